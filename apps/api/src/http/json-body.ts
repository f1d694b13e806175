import { DomainError } from '@onehazel/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EdgeError } from './edge-error';

/** How deep objects and arrays may nest in a body (DESIGN.md §7: parsing is bounded before any work). */
export const MAX_BODY_DEPTH = 32;
/** How many object members and array elements a body may hold, all levels together. */
export const MAX_BODY_ENTRIES = 1000;

export const JSON_MEDIA_TYPE = 'application/json';

type Frame = { kind: 'object' | 'array'; expectKey: boolean; lastKey: string | null; underConstructor: boolean };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the closing quote of the string that opens at `start` (or the text's end if it never closes). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

/** A key as JSON.parse will see it: escapes such as `\u005f_proto__` spell the same name. */
function keyOf(literal: string): string {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal; // not valid JSON: JSON.parse of the whole body reports it
  }
}

function reservedKey(key: string): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The request body uses a reserved name as a key', [
    { field: key, problems: [`${key} is reserved and cannot be used as a key`] },
  ]);
}

/**
 * One pass over the raw text, before JSON.parse builds anything: rejects nesting deeper than
 * MAX_BODY_DEPTH, more than MAX_BODY_ENTRIES members and elements, and the keys that reach an object's
 * prototype through assignment (`__proto__`, and `prototype` under `constructor`: secure-json-parse's rules,
 * which Fastify's own parser applies). Syntax is left to JSON.parse; this only has to stay linear.
 */
export function checkJsonShape(text: string): void {
  const frames: Frame[] = [];
  let entries = 0;
  const countEntry = (): void => {
    if (++entries > MAX_BODY_ENTRIES) {
      throw new EdgeError('PAYLOAD_TOO_LARGE', `The request body holds more than ${MAX_BODY_ENTRIES} members and elements`, {
        limit: 'entries',
        max: MAX_BODY_ENTRIES,
      });
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const top = frames[frames.length - 1];
    if (c === '"') {
      const end = endOfString(text, i);
      if (top?.kind === 'object' && top.expectKey) {
        const key = keyOf(text.slice(i, end));
        if (key === '__proto__' || (key === 'prototype' && top.underConstructor)) throw reservedKey(key);
        top.expectKey = false;
        top.lastKey = key;
        countEntry();
      } else if (top?.kind === 'array' && top.expectKey) {
        top.expectKey = false;
        countEntry();
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      if (top?.kind === 'array' && top.expectKey) {
        top.expectKey = false;
        countEntry();
      }
      if (frames.length >= MAX_BODY_DEPTH) {
        throw new EdgeError('NESTING_TOO_DEEP', `The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`, {
          limit: 'depth',
          max: MAX_BODY_DEPTH,
        });
      }
      const underConstructor = c === '{' && top?.kind === 'object' && top.lastKey === 'constructor';
      frames.push({ kind: c === '{' ? 'object' : 'array', expectKey: true, lastKey: null, underConstructor });
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      if (top) top.expectKey = true;
    } else if (top?.kind === 'array' && top.expectKey && !/\s/.test(c)) {
      // A number, true, false or null as an array element.
      top.expectKey = false;
      countEntry();
    }
  }
}

/** `application/json` with no charset or UTF-8: JSON is UTF-8 (RFC 8259 §8.1); other charsets would be misread. */
function isUtf8Json(request: FastifyRequest): boolean {
  const header = request.headers['content-type'] ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(header)?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

export function unsupportedMediaType(): EdgeError {
  return new EdgeError('UNSUPPORTED_MEDIA_TYPE', `Send the request body as ${JSON_MEDIA_TYPE} (UTF-8)`, { expected: JSON_MEDIA_TYPE });
}

/**
 * The only body parser: `application/json` in UTF-8, its shape checked before it is parsed, then a
 * reviver-free JSON.parse (own data properties only; the shape check has refused `__proto__`).
 * Every other media type is refused by Fastify (415).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
    try {
      if (!isUtf8Json(request)) throw unsupportedMediaType();
      const text = body as string;
      if (text.trim() === '') throw new DomainError('INVALID_JSON', 'The request body is empty but declared as JSON');
      checkJsonShape(text);
      done(null, parseJson(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('INVALID_JSON', 'The request body is not valid JSON');
  }
}
