/**
 * `POST /api/messages` (Teams): in emulator mode, where only a loopback serviceUrl is accepted, and
 * in app-id mode, where a Bot Framework token is needed: bad ones, forged ones, and validly
 * signed ones carrying garbage activities.
 */
import fc from 'fast-check';
import { fixture } from '../../adapters/teams/fixtures.js';
import { TEAMS_APP_ID } from '../fuzz-servers.js';
import { hostileBody, mutated, smallJunk } from '../payloads.js';
import { type FuzzContext, type FuzzRoute, headerValue, withBody } from './route.js';

const ACTIVITIES = [
  'activity_personal_message',
  'activity_channel_mention_root',
  'activity_channel_thread_followup',
  'activity_adaptive_card_submit',
  'activity_conversation_update_bot_added',
  'activity_message_update_edit',
  'activity_message_delete_soft',
] as const;

/** Recorded activities pointed at the local stub, so any reply the bot sends stays on this machine. */
function activities(stubUrl: string) {
  return fc.oneof(...ACTIVITIES.map((name) => mutated({ ...fixture(name), serviceUrl: `${stubUrl}/` })));
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url');

/** Authorization headers that must all be refused: none, junk, unsigned JWTs, or signed with the wrong claims. */
function badAuthorization({ identity, stubUrl }: FuzzContext) {
  return fc.oneof(
    fc.constant(undefined),
    headerValue,
    headerValue.map((token) => `Bearer ${token}`),
    fc
      .tuple(smallJunk, smallJunk)
      .map(([header, claims]) => `Bearer ${base64url(header)}.${base64url(claims)}.c2lnbmF0dXJl`),
    fc
      .record(
        {
          aud: fc.oneof(fc.constant('another-app'), smallJunk),
          iss: fc.oneof(fc.constant('https://evil.example'), smallJunk),
          exp: fc.oneof(fc.integer({ max: Math.floor(Date.now() / 1000) - 600 }), smallJunk),
          serviceurl: fc.oneof(fc.constant('https://smba.trafficmanager.net/emea/'), smallJunk),
        },
        { requiredKeys: [] },
      )
      .filter((claims) => Object.keys(claims).length > 0)
      .map((claims) => `Bearer ${identity.token(TEAMS_APP_ID, `${stubUrl}/`, claims)}`),
  );
}

export const teamsRoutes: FuzzRoute[] = [
  {
    name: 'POST /api/messages (Teams emulator mode)',
    server: 'main',
    weight: 2,
    requests: ({ stubUrl }) =>
      fc
        .tuple(hostileBody(activities(stubUrl)), fc.option(headerValue, { nil: undefined }))
        .map(([body, authorization]) =>
          withBody('POST', '/api/messages', body, authorization ? { authorization } : {}),
        ),
  },
  {
    name: 'POST /api/messages (Teams app id, bad token)',
    server: 'teamsAppId',
    weight: 1,
    requests: (context) =>
      fc
        .tuple(hostileBody(activities(context.stubUrl)), badAuthorization(context))
        .map(([body, authorization]) =>
          withBody('POST', '/api/messages', body, authorization === undefined ? {} : { authorization }),
        ),
  },
  {
    name: 'POST /api/messages (Teams app id, signed garbage)',
    server: 'teamsAppId',
    weight: 2,
    requests: ({ identity, stubUrl }) =>
      hostileBody(activities(stubUrl)).map((body) =>
        withBody('POST', '/api/messages', body, {
          authorization: `Bearer ${identity.token(TEAMS_APP_ID, `${stubUrl}/`)}`,
        }),
      ),
  },
];
