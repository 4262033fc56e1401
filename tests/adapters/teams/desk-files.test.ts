/**
 * An agent's file in the Teams agent desk reaches the customer: fetched by Switchboard (a pasted
 * image from the Bot Connector, here the local recorder in emulator mode; a file's downloadUrl only
 * from SharePoint / OneDrive hosts), kept, and offered to the customer's app by a public link.
 * Through the real route, `POST /api/messages`, with the desk's recorded activities.
 */
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, Message } from '../../../src/core/model.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { BotFrameworkIdentity, OUTBOUND_TOKEN } from './bot-framework-tokens.js';
import { ConnectorRecorder } from './connector-recorder.js';
import { fixture, type RecordedActivity } from './fixtures.js';
import { readSent } from './read-sent.js';

const WAIT = { timeout: 10_000, interval: 20 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

const AGENTS = fixture('activity_channel_mention_root').channelData.teamsChannelId as string;
const CUSTOMER = fixture('activity_personal_message').conversation.id as string;
const alice = { id: '29:1AliceTeamsUserId', name: 'Alice', aadObjectId: 'aad-alice-0001' };

let recorder: ConnectorRecorder;
let server: RunningSwitchboard;
let ids = 0;
/** With an app id: every activity carries a token as Bot Framework would sign it. */
let sign: ((serviceUrl: string) => string) | undefined;

afterEach(async () => {
  await server.close();
  await recorder.stop();
  sign = undefined;
  nock.cleanAll();
});

async function post(body: RecordedActivity): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(sign ? { authorization: `Bearer ${sign(String(body.serviceUrl))}` } : {}),
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const nextId = () => String(1_790_000_000_000 + ++ids);

const toCustomer = () => recorder.calls.filter((call) => call.conversationId === CUSTOMER);
const inThread = (root: string) =>
  recorder.calls
    .filter((call) => call.conversationId === `${AGENTS};messageid=${root}`)
    .map((call) => readSent(call.activity).text);

/** The desk primed, and a Teams customer handed off: the thread's root id. */
async function handedOff(env: Record<string, string>): Promise<string> {
  recorder = await new ConnectorRecorder().start();
  server = await startSwitchboard(testConfig({ TEAMS_AGENT_CHANNEL: AGENTS, ...env }));
  expect(await post({ ...fixture('activity_channel_mention_root'), serviceUrl: recorder.url })).toEqual({
    status: 'not-found',
  });
  const customer = fixture('activity_personal_message');
  expect(
    await post({ ...customer, id: nextId(), text: 'talk to a human', serviceUrl: recorder.url }),
  ).toEqual({
    status: 'accepted',
  });
  await vi.waitFor(() => expect(recorder.threads).toHaveLength(1), WAIT);
  const root = recorder.threads[0]?.root ?? '';
  // The thread is the conversation's once the desk has stored it, a moment after Teams made it.
  await vi.waitFor(
    async () => expect((await openConversation()).agentThread).toMatchObject({ threadId: root }),
    WAIT,
  );
  return root;
}

async function openConversation(): Promise<Conversation> {
  const conversation = await server.conversations.findOpenConversation({
    channel: 'teams',
    chatId: CUSTOMER,
    userId: '',
  });
  if (!conversation) throw new Error('no open conversation');
  return conversation;
}

/** An agent's reply in the thread of `root`: the recorded channel-thread reply, with attachments. */
function agentReplies(root: string, text: string, attachments: unknown[]): RecordedActivity {
  const activity = fixture('activity_channel_thread_followup');
  return {
    ...activity,
    id: nextId(),
    text,
    serviceUrl: recorder.url,
    from: alice,
    conversation: { ...activity.conversation, id: `${AGENTS};messageid=${root}` },
    attachments,
  };
}

async function agentMessage(): Promise<Message> {
  return vi.waitFor(async () => {
    const messages = await server.conversations.listMessages(await openConversation());
    const found = messages.find((m) => m.role === 'agent');
    if (!found) throw new Error('no agent message yet');
    return found;
  }, WAIT);
}

describe('Teams desk files (emulator mode, Bot Connector recorder)', () => {
  it("hands an agent's pasted image on to the customer through a public link", async () => {
    const root = await handedOff({ TEAMS_EMULATOR: 'true', PUBLIC_URL: 'https://bot.example' });
    const contentUrl = recorder.serveFile('/v3/attachments/0-img-1/views/original', PNG, 'image/png');
    // Teams sends the image and repeats the message as text/html: only the image is a file.
    const reply = agentReplies(root, '<p>here is the label</p>', [
      { contentType: 'image/*', contentUrl, name: 'label.png' },
      { contentType: 'text/html', content: `<p>here is the label</p><img src="${contentUrl}">` },
    ]);
    expect(await post(reply)).toEqual({ status: 'done' });

    const agent = await agentMessage();
    expect(agent.text).toBe('here is the label');
    expect(agent.attachments).toHaveLength(1);
    const [attachment] = agent.attachments;
    expect(attachment).toMatchObject({
      kind: 'image',
      name: 'label.png',
      mime: 'image/png',
      size: PNG.length,
    });
    expect(attachment?.url).toMatch(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{22}\/label\.png$/);
    // Emulator mode: no app id, so no token goes with the download.
    expect(recorder.downloads).toEqual([{ path: '/v3/attachments/0-img-1/views/original' }]);

    const served = await fetch(`${server.url}${new URL(attachment?.url ?? '').pathname}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    // The Teams customer gets Switchboard's link, never the Bot Connector's.
    await vi.waitFor(() => expect(JSON.stringify(toCustomer())).toContain(attachment?.url), WAIT);
    expect(JSON.stringify(toCustomer())).not.toContain(contentUrl);
    await settle();
    expect(inThread(root).join('\n')).not.toContain('Not passed on');
  });

  it('fetches a file only from SharePoint / OneDrive: another host is not asked, the agent is told, the text still goes', async () => {
    const root = await handedOff({ TEAMS_EMULATOR: 'true', PUBLIC_URL: 'https://bot.example' });
    const local = recorder.serveFile('/secret/report.pdf', Buffer.from('%PDF-1.7'), 'application/pdf');
    const reply = agentReplies(root, 'see attached', [
      {
        contentType: FILE_DOWNLOAD_INFO,
        name: 'report.pdf',
        content: { downloadUrl: local, uniqueId: 'u-1' },
      },
      {
        contentType: FILE_DOWNLOAD_INFO,
        name: 'invoice.pdf',
        content: { downloadUrl: 'https://attacker.example/invoice.pdf', uniqueId: 'u-2' },
      },
      // A Bot Connector path, but not on the reply's serviceUrl host.
      {
        contentType: 'image/png',
        contentUrl: 'http://localhost:9/v3/attachments/x/views/original',
        name: 'x.png',
      },
    ]);
    expect(await post(reply)).toEqual({ status: 'done' });

    await vi.waitFor(
      () => expect(inThread(root).join('\n')).toContain('Not passed on to the customer'),
      WAIT,
    );
    const notice = inThread(root).find((text) => text.includes('Not passed on')) ?? '';
    expect(notice).toContain(`<at>Alice</at>`);
    expect(notice).toContain(`report.pdf: Switchboard does not fetch files from ${new URL(local).host}`);
    expect(notice).toContain('invoice.pdf: Switchboard does not fetch files from attacker.example');
    expect(notice).toContain('x.png: Switchboard does not fetch files from localhost:9');
    expect(recorder.downloads).toEqual([]);

    expect(await agentMessage()).toMatchObject({ text: 'see attached', attachments: [] });
    await vi.waitFor(
      () => expect(toCustomer().map((c) => readSent(c.activity).text)).toContain('see attached'),
      WAIT,
    );
  });

  it('without PUBLIC_URL nothing is fetched: the agent is told, the text still goes; a reply of files alone is not sent', async () => {
    const root = await handedOff({ TEAMS_EMULATOR: 'true' });
    const contentUrl = recorder.serveFile('/v3/attachments/0-img-2/views/original', PNG, 'image/png');
    const image = { contentType: 'image/png', contentUrl, name: 'label.png' };
    expect(await post(agentReplies(root, 'see attached', [image]))).toEqual({ status: 'done' });

    await vi.waitFor(() => expect(inThread(root).join('\n')).toContain('set PUBLIC_URL'), WAIT);
    expect(await agentMessage()).toMatchObject({ text: 'see attached', attachments: [] });
    await vi.waitFor(
      () => expect(toCustomer().map((c) => readSent(c.activity).text)).toContain('see attached'),
      WAIT,
    );

    const sentBefore = toCustomer().length;
    const noticesBefore = inThread(root).filter((text) => text.includes('set PUBLIC_URL')).length;
    expect(await post(agentReplies(root, '', [image]))).toEqual({ status: 'done' });
    await vi.waitFor(
      () =>
        expect(inThread(root).filter((text) => text.includes('set PUBLIC_URL'))).toHaveLength(
          noticesBefore + 1,
        ),
      WAIT,
    );
    await settle();
    expect(toCustomer()).toHaveLength(sentBefore);
    expect(recorder.downloads).toEqual([]);
  });
});

describe('Teams desk files with an app id (signed activities)', () => {
  const APP_ID = '00000000-aaaa-bbbb-cccc-000000000003';
  const identity = new BotFrameworkIdentity();

  it('a pasted image on the Bot Connector is fetched with the bot’s own Entra token', async () => {
    identity.mockEndpoints();
    sign = (serviceUrl) => identity.token(APP_ID, serviceUrl);
    const root = await handedOff({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'test-password-not-real',
      PUBLIC_URL: 'https://bot.example',
    });
    const contentUrl = 'https://smba.trafficmanager.net/amer/v3/attachments/0-eus-d4-img/views/original';
    const image = nock('https://smba.trafficmanager.net', {
      reqheaders: { authorization: `Bearer ${OUTBOUND_TOKEN}` },
    })
      .get('/amer/v3/attachments/0-eus-d4-img/views/original')
      .reply(200, PNG, { 'content-type': 'image/png' });
    expect(await post(agentReplies(root, 'the label', [{ contentType: 'image/*', contentUrl }]))).toEqual({
      status: 'done',
    });

    const [attachment] = (await agentMessage()).attachments;
    expect(image.isDone()).toBe(true);
    // Teams sends pasted images without a name: one is made from the type.
    expect(attachment?.url).toMatch(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{22}\/image\.png$/);
    const served = await fetch(`${server.url}${new URL(attachment?.url ?? '').pathname}`);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
  });
});
