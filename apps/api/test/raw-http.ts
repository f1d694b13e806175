import { connect } from 'node:net';

export type RawReply = { status: number; headers: Record<string, string>; text: string; body: any };

/**
 * One request written byte for byte on a fresh connection (fetch refuses invalid header bytes, odd
 * methods and undecodable URLs), read until the server closes it.
 */
export function rawRequest(base: string, request: string | Buffer): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset a connection it refused while bytes were still arriving: what it wrote first is kept.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`));
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const text = raw.slice(split + 4);
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, text, body });
    });
  });
}

/** An HTTP/1.1 request's bytes; `Content-Length` is added when there is a body. */
export function httpRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** The error envelope (DESIGN.md §7) with the same request id as the X-Request-Id header. */
export function expectEnvelope(reply: RawReply | { status: number; headers: Headers; body: any }, status: number, code?: string): void {
  const requestId = reply.headers instanceof Headers ? reply.headers.get('x-request-id') : reply.headers['x-request-id'];
  expect({ status: reply.status, hasRequestId: typeof requestId === 'string' && requestId.length > 0 }).toEqual({ status, hasRequestId: true });
  expect(reply.body).toEqual({
    success: false,
    error: expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }),
    requestId,
  });
}
