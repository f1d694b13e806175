import type { FastifyInstance } from 'fastify';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A route's URL pattern as a regular expression over the raw path: `:param` is one segment, `*` the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods each registered route answers, so that a path that exists answers a method it does not
 * have with 405 and `Allow`, and only a path that does not exist answers 404. Filled as routes are
 * registered (Fastify's `onRoute`), so it must be attached before the application registers them.
 */
export class RouteMethods {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];
  private readonly byUrl = new Map<string, Set<string>>();

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.add(method, route.url);
    });
  }

  private add(method: string, url: string): void {
    let methods = this.byUrl.get(url);
    if (!methods) {
      methods = new Set();
      this.byUrl.set(url, methods);
      this.routes.push({ pattern: patternOf(url), methods });
    }
    methods.add(method.toUpperCase());
  }

  /** The methods the path (without its query) answers, as an `Allow` value; null when no route has the path. */
  allowedFor(path: string): string | null {
    const allowed = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) route.methods.forEach((method) => allowed.add(method));
    if (allowed.size === 0) return null;
    return [...allowed].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(', ');
  }
}

const rank = (method: string): number => (ORDER.includes(method) ? ORDER.indexOf(method) : ORDER.length);
