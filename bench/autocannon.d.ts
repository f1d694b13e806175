/**
 * The part of autocannon's programmatic API the bench uses (the package ships no types; this avoids a
 * second dev dependency for @types/autocannon).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    type RawRequest = {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    };

    type RequestSpec = RawRequest & {
      /** Called before each request of a connection; returns the request to send. */
      setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest;
    };

    type Options = {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      requests?: RequestSpec[];
    };

    type Histogram = { average: number; mean: number; p50: number; p99: number; min: number; max: number; total: number };

    type Result = {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
    };

    interface Instance extends EventEmitter {
      stop(): void;
      on(event: 'tick', listener: (counter: { counter: number; bytes: number }) => void): this;
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      on(event: string, listener: (...args: any[]) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
