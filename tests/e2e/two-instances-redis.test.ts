/**
 * Two Switchboard instances on one real Redis (run when REDIS_URL is set; `.ci/run` sets it):
 * any instance can take any webhook. The same Slack event delivered to both at once is answered
 * once, and two agents claiming at once on different instances get one owner.
 */
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AGENT_CHANNEL,
  BOT_ID,
  BOT_USER,
  directMessage,
  FakeSlackApi,
  postEvent,
  postInteraction,
  SLACK_ENV,
} from '../adapters/slack/slack-kit.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';

const REDIS_URL = process.env.REDIS_URL;
const WAIT = { timeout: 10_000, interval: 20 };

let api: FakeSlackApi;
let instances: RunningSwitchboard[] = [];

beforeEach(async () => {
  api = new FakeSlackApi();
  if (!REDIS_URL) return;
  const namespace = `two-instances-${randomUUID()}`;
  // Each has its own process state (locks, caches, chains); only the store is shared.
  instances = await Promise.all(
    [1, 2].map(() =>
      startSwitchboard(testConfig({ ...SLACK_ENV, STORE_URL: REDIS_URL }), { storeNamespace: namespace }),
    ),
  );
});

afterEach(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  instances = [];
  nock.cleanAll();
});

function claim(cardTs: string, user: string) {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: 'T123ABC456' },
    api_app_id: 'A123ABC456',
    container: { type: 'message', message_ts: cardTs, channel_id: AGENT_CHANNEL, is_ephemeral: false },
    trigger_id: `trigger-${user}`,
    team: { id: 'T123ABC456', domain: 'example' },
    channel: { id: AGENT_CHANNEL, name: 'support-desk' },
    message: { type: 'message', ts: cardTs, text: 'Ticket', user: BOT_USER, bot_id: BOT_ID },
    actions: [
      {
        type: 'button',
        action_id: 'switchboard_desk_claim',
        block_id: 'switchboard_desk',
        text: { type: 'plain_text', text: 'Claim', emoji: true },
        value: 'claim',
        action_ts: `1767226000.${user.slice(-3)}`,
      },
    ],
  };
}

describe.skipIf(!REDIS_URL)('two instances on one Redis', () => {
  it('answers the same Slack event once when both instances get it at the same moment', async () => {
    const event = directMessage('where is my parcel?', { ts: '1767300000.000100' });
    const answers = await Promise.all(instances.map((instance) => postEvent(instance, event)));
    expect(answers.map((response) => response.status)).toEqual([200, 200]);
    await vi.waitFor(() => expect(api.posts().length).toBeGreaterThan(0), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.posts()).toHaveLength(1);
  });

  it('gives a conversation one owner when two agents claim it on different instances at once', async () => {
    const [first, second] = instances as [RunningSwitchboard, RunningSwitchboard];
    expect(
      (await postEvent(first, directMessage('I want to talk to a person', { ts: '1767300001.000100' })))
        .status,
    ).toBe(200);
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
    const conversationId = /conv_[\w-]+/.exec(JSON.stringify(api.deskPosts()[0]))?.[0] ?? '';
    const cardTs = await vi.waitFor(async () => {
      const thread = (await first.conversations.getConversation(conversationId))?.agentThread as {
        threadId?: string;
      };
      if (!thread?.threadId) throw new Error('no thread yet');
      return thread.threadId;
    }, WAIT);

    const presses = await Promise.all([
      postInteraction(first, claim(cardTs, 'U0AGENT001')),
      postInteraction(second, claim(cardTs, 'U0AGENT002')),
    ]);
    expect(presses.map((response) => response.status)).toEqual([200, 200]);
    const owner = (await second.conversations.getConversation(conversationId))?.assignee;
    expect(['U0AGENT001', 'U0AGENT002']).toContain(owner);
    await vi.waitFor(() => expect(api.succeeded('chat.postEphemeral')).toHaveLength(1), WAIT);
    expect(api.succeeded('chat.postEphemeral')[0]?.text).toBe(`Already claimed by <@${owner}>.`);
  });
});
