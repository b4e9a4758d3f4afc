import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A real OpenID Connect provider on loopback (oidc-provider), whose login form accepts any e-mail address as the
 * account: the login is the subject, and its e-mail claim is the login up to any `#`. A login containing
 * `#unverified` gets `email_verified: false`; any other `#suffix` is another account with the same address.
 */
export async function startOidcProvider(redirectBase: string): Promise<{ issuer: string; close: () => void }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const oidc = new Provider(issuer, {
    clients: [{ client_id: 's117', client_secret: 'test-client-secret', redirect_uris: [`${redirectBase}/register/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id.split('#')[0], email_verified: !id.includes('#unverified'), name: id.split('#')[0] }),
    }),
    cookies: { keys: ['test-cookie-key-that-is-long-enough'] },
    features: { devInteractions: { enabled: true } },
    ttl: { IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600, AuthorizationCode: 60 },
  });
  const server = oidc.listen(port);
  return { issuer, close: () => server.close() };
}

export const OIDC_ENV = { OIDC_CLIENT_ID: 's117', OIDC_CLIENT_SECRET: 'test-client-secret', SESSION_SECRET: 'a-session-secret-of-at-least-32-characters' };
