/**
 * Stand-ins for Microsoft's identity endpoints, so the app-id mode runs end to end with no network:
 * Bot Framework's OpenID keys (login.botframework.com) publish a test key whose tokens the tests
 * sign, and the Entra token endpoint (login.microsoftonline.com) hands out an outbound token.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import nock from 'nock';

export const OUTBOUND_TOKEN = 'test-outbound-access-token';
const KEY_ID = 'switchboard-test-key';
const BOT_FRAMEWORK = 'https://login.botframework.com';

export class BotFrameworkIdentity {
  readonly #signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

  /** Serves the OpenID metadata and keys (endorsed for msteams), and client-credential tokens. */
  mockEndpoints(): void {
    const { n, e } = this.#signingKey.publicKey.export({ format: 'jwk' });
    nock(BOT_FRAMEWORK)
      .persist()
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, {
        issuer: 'https://api.botframework.com',
        jwks_uri: `${BOT_FRAMEWORK}/v1/.well-known/keys`,
      })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: KEY_ID, n, e, endorsements: ['msteams'] }] });
    nock('https://login.microsoftonline.com')
      .persist()
      .post('/botframework.com/oauth2/v2.0/token')
      .query(true)
      .reply(200, {
        token_type: 'Bearer',
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: OUTBOUND_TOKEN,
      });
  }

  /** A token as the Bot Framework channel service signs it, with `claims` overriding the defaults. */
  token(appId: string, serviceUrl: string, claims: Record<string, unknown> = {}, kid = KEY_ID): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = [
      encode({ alg: 'RS256', typ: 'JWT', kid }),
      encode({
        iss: 'https://api.botframework.com',
        aud: appId,
        serviceurl: serviceUrl,
        nbf: now - 60,
        exp: now + 3600,
        ...claims,
      }),
    ].join('.');
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.#signingKey.privateKey);
    return `${unsigned}.${signature.toString('base64url')}`;
  }
}
