import { checkJsonShape, MAX_BODY_DEPTH, MAX_BODY_ENTRIES } from './json-body';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const codeOf = (text: string): string | null => {
  try {
    checkJsonShape(text);
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('checkJsonShape', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(codeOf(nested(MAX_BODY_DEPTH))).toBeNull();
    expect(codeOf(nested(MAX_BODY_DEPTH + 1))).toBe('NESTING_TOO_DEEP');
  });

  it('does not count brackets, quotes or keys inside strings', () => {
    expect(codeOf(JSON.stringify({ a: '['.repeat(100) + '"\\"{' + '"__proto__":1' }))).toBeNull();
    expect(codeOf(JSON.stringify({ list: Array.from({ length: 10 }, () => ','.repeat(200)) }))).toBeNull();
  });

  it('counts members and elements at every level together', () => {
    const half = Array.from({ length: MAX_BODY_ENTRIES / 2 }, (_, i) => i);
    expect(codeOf(JSON.stringify({ a: half.slice(1), b: half.slice(1) }))).toBeNull(); // 2 members + 998 elements
    expect(codeOf(JSON.stringify({ a: half, b: half }))).toBe('PAYLOAD_TOO_LARGE'); // 2 members + 1000 elements
    expect(codeOf(JSON.stringify(Object.fromEntries(half.concat(half.map((i) => i + 500), [1000]).map((i) => [`k${i}`, null]))))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });

  it.each(['{"__proto__":{}}', '{"a":[{"\\u005f\\u005fproto__":1}]}', '{"constructor":{"prototype":{}}}'])('refuses the reserved key in %s', (text) => {
    expect(codeOf(text)).toBe('VALIDATION_FAILED');
  });

  it.each(['{"constructor":1}', '{"prototype":{}}', '{"constructor":{"name":"x"}}', '{"a":"__proto__"}', '{"toString":"x","valueOf":1}'])(
    'leaves other names to the validators: %s',
    (text) => {
      expect(codeOf(text)).toBeNull();
    },
  );

  it('leaves syntax to JSON.parse and stays linear on garbage', () => {
    for (const garbage of ['{"a":', '"unterminated', '}}}]]]', ',,,,', '{"a" 1}', '\\"']) expect(codeOf(garbage)).toBeNull();
  });
});
