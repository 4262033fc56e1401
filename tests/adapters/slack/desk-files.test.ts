/**
 * An agent's file in Slack reaches the customer: fetched from Slack with the bot token (only from
 * Slack's file host), kept by Switchboard and offered to the customer's app by a public link.
 */
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../../src/core/model.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { WebchatClient } from '../../helpers/webchat-client.js';
import { BOT_TOKEN, FakeSlackApi, fixture, postEvent, SLACK_ENV } from './slack-kit.js';

const WAIT = { timeout: 10_000, interval: 20 };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

let server: RunningSwitchboard;

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

async function handedOff(env: Record<string, string>) {
  const api = new FakeSlackApi();
  server = await startSwitchboard(testConfig({ ...SLACK_ENV, ...env }));
  const customer = await WebchatClient.create(server.url);
  await customer.ask('talk to a human');
  await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
  const conversationId = (await customer.session()).conversation?.id ?? '';
  const threadTs = await vi.waitFor(async () => {
    const found = await server.conversations.getConversation(conversationId);
    const thread = found?.agentThread as { threadId?: string } | undefined;
    if (!thread?.threadId) throw new Error('no thread yet');
    return thread.threadId;
  }, WAIT);
  return { api, customer, conversationId, threadTs };
}

function replyWithFile(threadTs: string, text: string) {
  const envelope = fixture('event_thread_reply_agent.json');
  const file = fixture('event_file_share.json').event.files[0];
  envelope.event_id = 'Ev0FILE0001';
  Object.assign(envelope.event, { text, ts: '1767225900.000001', thread_ts: threadTs, files: [file] });
  return envelope;
}

describe('Slack desk files', () => {
  it("hands an agent's file on to the customer through a public link", async () => {
    const { customer, conversationId, threadTs } = await handedOff({ PUBLIC_URL: 'https://bot.example' });
    const download = nock('https://files.slack.com', { reqheaders: { authorization: `Bearer ${BOT_TOKEN}` } })
      .get('/files-pri/T123ABC456-F0FILE0001/image.png')
      .reply(200, PNG, { 'content-type': 'image/png' });
    expect((await postEvent(server, replyWithFile(threadTs, 'here is the label'))).status).toBe(200);

    const conversation = (await server.conversations.getConversation(conversationId)) as Conversation;
    const agent = await vi.waitFor(async () => {
      const messages = await server.conversations.listMessages(
        (await server.conversations.getConversation(conversationId)) ?? conversation,
      );
      const found = messages.find((m) => m.role === 'agent');
      if (!found) throw new Error('no agent message yet');
      return found;
    }, WAIT);
    expect(download.isDone()).toBe(true);
    const [attachment] = agent.attachments;
    expect(attachment?.url).toMatch(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{22}\/image\.png$/);
    expect(attachment?.platformFileId).toBeUndefined();

    const served = await fetch(`${server.url}${new URL(attachment?.url ?? '').pathname}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect((await fetch(`${server.url}/files/${'x'.repeat(22)}/image.png`)).status).toBe(404);
    // The web chat customer sees it as a link.
    const seen = (await customer.session()).messages.find((m) => m.role === 'agent') as unknown as {
      attachments: { url: string }[];
    };
    expect(seen.attachments.map((a) => a.url)).toEqual([attachment?.url]);
  });

  it('tells the agent when files cannot be handed on (no PUBLIC_URL) and still sends the text', async () => {
    const { api, conversationId, threadTs } = await handedOff({});
    expect((await postEvent(server, replyWithFile(threadTs, 'see attached'))).status).toBe(200);
    await vi.waitFor(
      () => expect(api.deskPosts().some((p) => `${p.text}`.includes('set PUBLIC_URL'))).toBe(true),
      WAIT,
    );
    const conversation = (await server.conversations.getConversation(conversationId)) as Conversation;
    const agent = (await server.conversations.listMessages(conversation)).find((m) => m.role === 'agent');
    expect(agent).toMatchObject({ text: 'see attached', attachments: [] });
  });
});
