import type { FastifyRequest } from 'fastify';

/** A host as a URL may hold it (name or address, optional port): anything else is not echoed into a shell line. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** This server as the caller reached it, for curl lines that work as written. */
export function baseUrlOf(request: FastifyRequest): string {
  const host = request.host;
  return `${request.protocol}://${typeof host === 'string' && HOST.test(host) ? host : 'localhost:3000'}`;
}

/** What to do with a new operator token. */
export function tokenNextSteps(base: string, token: string): string[] {
  return [
    'Store operator_token in your fleet’s secret store now: it is shown once, and only its SHA-256 is kept.',
    'Each daemon mints its own child key with it (an operator token is accepted on this route only):',
    `curl -s -X POST ${base}/api/v1/operator-tokens/mint-child -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d '{"display_name": "daemon-1"}'`,
    'Revoke the token with DELETE /api/v1/operator-tokens/{id} (add ?cascade=true to revoke its child keys too).',
  ];
}

/** What a daemon does with its new child key. */
export function childNextSteps(base: string, key: string): string[] {
  return [
    'Store api_key now: it is shown once. It acts as this agent on the operator data API, counted against the token’s monthly quota.',
    `curl -s ${base}/operator-data-api/settings -H "Authorization: Bearer ${key}"`,
    `curl -s -X POST ${base}/operator-data-api/events -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"externalId": "player_12345", "eventType": "deposit", "data": {"amount": 50}}'`,
  ];
}
