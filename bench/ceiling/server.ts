/**
 * The ceiling: a bare node:http server answering every request with one fixed JSON string (the body of
 * the product's entity GET, captured in the same run). Nothing can answer that body faster from Node on
 * this machine, so it bounds what any Node server could do.
 *
 * Env: CEILING_BODY (the JSON text), HOST, PORT (0 for any). Prints `{"port": N}` on stdout when listening.
 */
import { createServer } from 'node:http';

const body = Buffer.from(process.env.CEILING_BODY ?? '{"success":true,"data":{}}', 'utf8');
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };

const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

const shutdown = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
