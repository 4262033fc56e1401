/**
 * The servers the fuzz cases are sent to: one Switchboard with every public route on (web chat,
 * the Telegram webhook, Slack with its agents' channel, Teams in emulator mode, the admin API),
 * and one with Teams in app-id mode, where every activity needs a Bot Framework token. The
 * platforms' APIs are a local stub and Microsoft's identity endpoints are nock stand-ins, so
 * whatever the bot does with a case that gets through stays on this machine.
 */
import { startPlatformStub } from '../../bench/platform-stub.js';
import { BotFrameworkIdentity } from '../adapters/teams/bot-framework-tokens.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';

export const ADMIN_TOKEN = 'fuzz-admin-token-0123456789';
export const TELEGRAM_SECRET = 'fuzz-telegram-secret-0123456789';
export const SLACK_SECRET = 'fuzz-slack-signing-secret-0123456789';
export const SLACK_AGENT_CHANNEL = 'C0AGENTS01';
export const TEAMS_APP_ID = '00000000-aaaa-bbbb-cccc-00000000f022';

export interface FuzzServers {
  main: RunningSwitchboard;
  teamsAppId: RunningSwitchboard;
  /** Loopback URL whose every path answers like a platform API: the serviceUrl of emulator activities. */
  stubUrl: string;
  identity: BotFrameworkIdentity;
  close(): Promise<void>;
}

export async function startFuzzServers(): Promise<FuzzServers> {
  const stub = await startPlatformStub();
  const identity = new BotFrameworkIdentity();
  identity.mockEndpoints();
  const main = await startSwitchboard(
    testConfig({
      ADMIN_TOKEN,
      TELEGRAM_BOT_TOKEN: '123456789:FUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzz',
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      TELEGRAM_API_ROOT: stub.url,
      PUBLIC_URL: 'https://fuzz.example',
      SLACK_BOT_TOKEN: 'xoxb-fuzz-0000-fuzzfuzzfuzz',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: `${stub.url}/api/`,
      SLACK_AGENT_CHANNEL,
      TEAMS_EMULATOR: 'true',
    }),
  );
  const teamsAppId = await startSwitchboard(
    testConfig({ MICROSOFT_APP_ID: TEAMS_APP_ID, MICROSOFT_APP_PASSWORD: 'fuzz-password-not-real' }),
  );
  return {
    main,
    teamsAppId,
    stubUrl: stub.url,
    identity,
    async close() {
      await Promise.allSettled([main.close(), teamsAppId.close()]);
      await stub.close();
    },
  };
}
