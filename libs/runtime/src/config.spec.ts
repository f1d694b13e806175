import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('runs the embedded default with no configuration', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, projectorMode: 'embedded', eventStoreUrl: null, mongoUrl: null });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('runs the projector externally once a production backend is named', () => {
    const MASTER_KEY = Buffer.alloc(32, 1).toString('base64');
    expect(loadConfig({ MONGODB_URL: 'mongodb://db/?replicaSet=rs0', MASTER_KEY }).projectorMode).toBe('external');
    expect(loadConfig({ MONGODB_URL: 'mongodb://db', PROJECTOR: 'embedded', MASTER_KEY }).projectorMode).toBe('embedded');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ PROJECTOR: 'sometimes' }, /PROJECTOR must be one of embedded, external/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 bytes/],
    [{ EVENTSTORE_URL: 'esdb://es:2113?tls=false' }, /MASTER_KEY is required/],
    [{ JWT_JWKS_URL: 'not a url' }, /JWT_JWKS_URL must be a URL/],
    [{ JWT_JWKS_URL: 'http://idp.example.com/jwks.json', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, /must be an https URL/],
    [{ JWT_JWKS_URL: 'https://idp.example.com/jwks.json', JWT_ISSUER: 'i' }, /needs JWT_ISSUER and JWT_AUDIENCE/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts a JWKS over https, or over http on loopback (for local identity providers and tests)', () => {
    for (const url of ['https://idp.example.com/jwks.json', 'http://127.0.0.1:9999/jwks.json']) {
      expect(loadConfig({ JWT_JWKS_URL: url, JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }).jwt.jwksUrl).toBe(url);
    }
  });
});
