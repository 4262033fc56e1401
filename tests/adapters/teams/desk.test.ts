/**
 * The Teams agent desk through the real route: a Teams customer (personal chat) is handed off, the
 * card is posted as a new thread in the agents' channel of a local Bot Connector recorder, and
 * agents' replies and card button presses are recorded Teams activities (the channel-thread reply
 * and Action.Submit fixtures, moved into the agents' channel) posted to `POST /api/messages` in
 * emulator mode.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../../src/core/config/schema.js';
import type { Conversation } from '../../../src/core/model.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { type ConnectorCall, ConnectorRecorder, type ConnectorThread } from './connector-recorder.js';
import { fixture, type RecordedActivity } from './fixtures.js';
import { readSent } from './read-sent.js';

const WAIT = { timeout: 10_000, interval: 20 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** The recorded channel: here it is the agents' channel. */
const AGENTS = fixture('activity_channel_mention_root').channelData.teamsChannelId as string;
const CUSTOMER = fixture('activity_personal_message').conversation.id as string;

const alice = { id: '29:1AliceTeamsUserId', name: 'Alice', aadObjectId: 'aad-alice-0001' };
const bob = { id: '29:1BobTeamsUserId', name: 'Bob', aadObjectId: 'aad-bob-0002' };

interface AdaptiveCardContent {
  body: unknown[];
  actions: { type: string; title: string; data?: Record<string, string>; url?: string }[];
}

function cardOf(activity: Record<string, unknown>): AdaptiveCardContent {
  const attachments = activity.attachments as { contentType: string; content: AdaptiveCardContent }[];
  const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) throw new Error('no Adaptive Card');
  return card.content;
}

/** Every text on a card, TextBlocks and TextRuns, in order. */
function cardText(activity: Record<string, unknown>): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if ((record.type === 'TextBlock' || record.type === 'TextRun') && typeof record.text === 'string')
      texts.push(record.text);
    for (const value of Object.values(record)) walk(value);
  };
  walk(cardOf(activity).body);
  return texts.join(' ');
}

function buttons(activity: Record<string, unknown>): string[] {
  return cardOf(activity).actions.map((a) => a.title);
}

describe('Teams agent desk (emulator mode, Bot Connector recorder)', () => {
  let recorder: ConnectorRecorder;
  let config: Config;
  let server: RunningSwitchboard;
  let ids = 0;
  /** The SLA watch checks every second against this clock; tests move it forward. */
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };

  beforeEach(async () => {
    offsetMs = 0;
    recorder = await new ConnectorRecorder().start();
    const loaded = testConfig({ TEAMS_EMULATOR: 'true', TEAMS_AGENT_CHANNEL: AGENTS });
    config = { ...loaded, desk: { ...loaded.desk, slaCheckSeconds: 1 } };
    server = await startSwitchboard(config, { clock });
  });

  afterEach(async () => {
    await server.close();
    await recorder.stop();
  });

  async function post(body: RecordedActivity): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const nextId = () => String(1_790_000_000_000 + ++ids);

  /** An admin @mentions the bot in the agents' channel: the recorded channel post. */
  const mention = (): RecordedActivity => ({
    ...fixture('activity_channel_mention_root'),
    serviceUrl: recorder.url,
  });

  const customerSays = (text: string, conversationId = CUSTOMER): RecordedActivity => {
    const activity = fixture('activity_personal_message');
    return {
      ...activity,
      id: nextId(),
      text,
      serviceUrl: recorder.url,
      conversation: { ...activity.conversation, id: conversationId },
      from: { ...activity.from, id: `29:customer-${conversationId.slice(-6)}` },
    };
  };

  /** An agent's reply in a thread: the recorded channel-thread reply, in the thread of `root`. */
  const agentSays = (
    root: string,
    text: string,
    agent = alice,
    extra: RecordedActivity = {},
  ): RecordedActivity => {
    const activity = fixture('activity_channel_thread_followup');
    return {
      ...activity,
      id: nextId(),
      text,
      serviceUrl: recorder.url,
      from: agent,
      conversation: { ...activity.conversation, id: `${AGENTS};messageid=${root}` },
      ...extra,
    };
  };

  /** A press on the card's button: the recorded Action.Submit, with our card's data. */
  const agentPresses = (root: string, data: Record<string, string>, agent = alice): RecordedActivity => {
    const activity = fixture('activity_adaptive_card_submit');
    return {
      ...activity,
      id: `f:${nextId()}`,
      serviceUrl: recorder.url,
      from: agent,
      value: data,
      conversation: { ...activity.conversation, id: `${AGENTS};messageid=${root}` },
    };
  };

  const toCustomer = (conversationId = CUSTOMER): ConnectorCall[] =>
    recorder.calls.filter((call) => call.conversationId === conversationId);
  const inThread = (root: string): string[] =>
    recorder.calls
      .filter((call) => call.conversationId === `${AGENTS};messageid=${root}`)
      .map((call) => readSent(call.activity).text);
  const customerText = (conversationId = CUSTOMER) =>
    toCustomer(conversationId).map((c) => readSent(c.activity).text);

  async function conversationOf(conversationId = CUSTOMER): Promise<Conversation> {
    const conversation = await server.conversations.findOpenConversation({
      channel: 'teams',
      chatId: conversationId,
      userId: '',
    });
    if (!conversation) throw new Error('no open conversation');
    return conversation;
  }

  async function refreshed(conversation: Conversation): Promise<Conversation> {
    const current = await server.conversations.getConversation(conversation.id);
    if (!current) throw new Error('conversation gone');
    return current;
  }

  async function prime(): Promise<void> {
    expect(await post(mention())).toEqual({ status: 200, body: { status: 'not-found' } });
    await vi.waitFor(
      () => expect(inThread('1771290107407')).toEqual([expect.stringMatching(/connected/)]),
      WAIT,
    );
  }

  /**
   * A Teams customer asks where the parcel is (the bot answers), then asks for a person: the
   * pipeline hands off and the desk opens the thread. `direct` hands off through DeskService with
   * the parcel question's matches instead, so the card has suggestions.
   */
  async function handedOff(
    conversationId = CUSTOMER,
    via: 'pipeline' | 'direct' = 'pipeline',
  ): Promise<{ conversation: Conversation; thread: ConnectorThread }> {
    const before = recorder.threads.length;
    const answered = toCustomer(conversationId).length;
    expect((await post(customerSays('where is my parcel?', conversationId))).body).toEqual({
      status: 'accepted',
    });
    await vi.waitFor(() => expect(toCustomer(conversationId).length).toBe(answered + 1), WAIT);
    if (via === 'pipeline') {
      expect((await post(customerSays('talk to a human', conversationId))).body).toEqual({
        status: 'accepted',
      });
    } else {
      const conversation = await conversationOf(conversationId);
      const matches = server.knowledge.current().match('where is my parcel?');
      await server.desk.handOff(
        conversation,
        { reason: 'customer asked for a person', text: 'Let me get a colleague.' },
        matches,
      );
    }
    await vi.waitFor(() => expect(recorder.threads.length).toBe(before + 1), WAIT);
    const thread = recorder.threads.at(-1);
    if (!thread) throw new Error('no thread');
    const current = await vi.waitFor(async () => {
      const conversation = await conversationOf(conversationId);
      expect(conversation.agentThread).toBeDefined();
      return conversation;
    }, WAIT);
    // The customer is told a person is coming, with the ticket and place in the queue.
    await vi.waitFor(
      () => expect(customerText(conversationId).at(-1)).toContain(current.ticket ?? '?'),
      WAIT,
    );
    return { conversation: current, thread };
  }

  it('an @mention in the agents’ channel primes the desk; a customer asking for a person then gets a thread with the card', async () => {
    await prime();
    const { conversation, thread } = await handedOff();

    expect(thread.channelId).toBe(AGENTS);
    expect(thread.parameters).toMatchObject({ isGroup: true, channelData: { channel: { id: AGENTS } } });
    expect(conversation.status).toBe('waiting');
    expect(conversation.agentThread).toMatchObject({
      desk: 'teams',
      channelId: AGENTS,
      threadId: thread.root,
    });
    const text = cardText(thread.activity);
    expect(text).toContain(`Ticket ${conversation.ticket}`);
    expect(text).toContain('#1 in the queue');
    expect(text).toContain('Test User');
    expect(text).toContain(conversation.handoffReason ?? '?');
    expect(text).toContain('where is my parcel?');
    expect(text).toContain('talk to a human');
    expect(buttons(thread.activity)).toEqual(['Claim', 'Close', 'Hand back to bot']);
    expect(customerText().at(-1)).toMatch(/number 1 in the queue/);
  });

  it('adding the app from the agents’ channel primes the desk too (its conversationUpdate comes from there)', async () => {
    const added = fixture('activity_conversation_update_bot_added');
    const install = {
      ...added,
      serviceUrl: recorder.url,
      conversation: { ...added.conversation, id: AGENTS },
    };
    expect((await post(install)).body).toEqual({ status: 'ignored' });
    const { thread } = await handedOff();
    expect(thread.channelId).toBe(AGENTS);
  });

  it('before the desk is primed, a handoff keeps the conversation queued and opens no thread', async () => {
    expect((await post(customerSays('where is my parcel?'))).body).toEqual({ status: 'accepted' });
    const conversation = await conversationOf();
    const after = await server.desk.handOff(conversation, { reason: 'asked', text: 'One moment.' }, []);
    expect(after.status).toBe('waiting');
    expect(after.agentThread).toBeUndefined();
    expect(await server.desk.queue.position(after.id)).toBe(1);
    await settle();
    expect(recorder.threads).toEqual([]);
  });

  it('an agent’s thread reply reaches the customer once and claims the conversation; a Teams link is not passed on', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    const before = toCustomer().length;
    const reply = agentSays(thread.root, '<p>Your parcel left the warehouse today.</p>', alice, {
      attachments: [
        { contentType: 'image/png', contentUrl: 'https://files.example/label.png', name: 'label.png' },
      ],
    });
    expect((await post(reply)).body).toEqual({ status: 'done' });
    expect((await post(reply)).body).toEqual({ status: 'duplicate' }); // Teams re-sends after 15 s
    await vi.waitFor(() => expect(customerText()).toContain('Your parcel left the warehouse today.'), WAIT);
    await settle();
    const sent = toCustomer().slice(before);
    expect(sent.filter((c) => readSent(c.activity).text.includes('warehouse'))).toHaveLength(1);
    // Teams' links are no use to the customer: files go through Switchboard's copy (desk-files.test.ts).
    expect(JSON.stringify(sent)).not.toContain('https://files.example/label.png');
    await vi.waitFor(
      () => expect(inThread(thread.root).join('\n')).toContain('Not passed on to the customer: label.png'),
      WAIT,
    );

    const current = await refreshed(conversation);
    expect(current).toMatchObject({ status: 'agent', assignee: alice.aadObjectId, assigneeName: 'Alice' });
    await vi.waitFor(() => expect(recorder.updates.length).toBeGreaterThan(0), WAIT);
    const update = recorder.updates.at(-1);
    expect(update).toMatchObject({
      conversationId: `${AGENTS};messageid=${thread.root}`,
      activityId: thread.root,
    });
    expect(cardText(update?.activity ?? {})).toContain('Claimed by Alice');
    expect(buttons(update?.activity ?? {})).toEqual(['Close', 'Hand back to bot']);
  });

  it('a note (`note:`) stays in the thread and never reaches the customer', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    const before = toCustomer().length;
    expect((await post(agentSays(thread.root, 'note: customer called twice already'))).body).toEqual({
      status: 'done',
    });
    await settle();
    expect(toCustomer()).toHaveLength(before);
    const messages = await server.conversations.listMessages(await refreshed(conversation));
    expect(messages.at(-1)).toMatchObject({
      role: 'agent',
      internal: true,
      text: 'customer called twice already',
    });
  });

  it('two agents press Claim at once: one owns it, the card says who, the other is told', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    const [first, second] = await Promise.all([
      post(agentPresses(thread.root, { desk: 'claim' }, alice)),
      post(agentPresses(thread.root, { desk: 'claim' }, bob)),
    ]);
    expect([first?.body.status, second?.body.status].sort()).toEqual(['done', 'taken']);
    const [winner, loser] = first?.body.status === 'done' ? [alice, bob] : [bob, alice];
    expect(await refreshed(conversation)).toMatchObject({ status: 'agent', assignee: winner.aadObjectId });
    await vi.waitFor(
      () =>
        expect(inThread(thread.root)).toContain(
          `<at>${loser.name}</at> ${winner.name} has already claimed this conversation.`,
        ),
      WAIT,
    );
    const notice = recorder.calls.find((c) => JSON.stringify(c.activity).includes('already claimed'));
    expect(notice?.activity.entities).toEqual([
      { type: 'mention', text: `<at>${loser.name}</at>`, mentioned: { id: loser.id, name: loser.name } },
    ]);
    await vi.waitFor(
      () => expect(cardText(recorder.updates.at(-1)?.activity ?? {})).toContain(`Claimed by ${winner.name}`),
      WAIT,
    );
    // The customer is told someone joined, once.
    await vi.waitFor(() => expect(customerText().filter((t) => t.includes('joined'))).toHaveLength(1), WAIT);
  });

  it('Close tells the customer, updates the card, and a later reply gets the closed notice instead of being relayed', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    expect((await post(agentPresses(thread.root, { desk: 'close' }, alice))).body).toEqual({
      status: 'done',
    });
    // The closing line, then the satisfaction survey (docs/csat.md).
    await vi.waitFor(() => expect(customerText().at(-2)).toMatch(/closed/), WAIT);
    expect(await refreshed(conversation)).toMatchObject({ status: 'closed', resolution: 'agent' });
    await vi.waitFor(
      () => expect(cardText(recorder.updates.at(-1)?.activity ?? {})).toContain('Closed by Alice'),
      WAIT,
    );
    expect(buttons(recorder.updates.at(-1)?.activity ?? {})).toEqual([]);

    const before = toCustomer().length;
    expect((await post(agentSays(thread.root, 'one more thing', bob))).body).toEqual({ status: 'closed' });
    await vi.waitFor(
      () => expect(inThread(thread.root).at(-1)).toMatch(/closed; your message was not sent/),
      WAIT,
    );
    await settle();
    expect(toCustomer()).toHaveLength(before);
  });

  it('Hand back to bot: the customer is told, and the bot answers again', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    expect((await post(agentPresses(thread.root, { desk: 'hand-back' }, alice))).body).toEqual({
      status: 'done',
    });
    expect((await refreshed(conversation)).status).toBe('bot');
    await vi.waitFor(() => expect(customerText().at(-1)).toMatch(/back with the assistant/), WAIT);
    await vi.waitFor(
      () => expect(cardText(recorder.updates.at(-1)?.activity ?? {})).toContain('Handed back'),
      WAIT,
    );

    const before = toCustomer().length;
    expect((await post(customerSays('hello'))).body).toEqual({ status: 'accepted' });
    await vi.waitFor(() => expect(toCustomer().length).toBe(before + 1), WAIT);
    const messages = await server.conversations.listMessages(await refreshed(conversation));
    expect(messages.at(-1)).toMatchObject({ role: 'bot', kbEntryId: 'greeting' });
  });

  it('the card’s suggested answers have Send, which sends the answer to the customer', async () => {
    await prime();
    const { thread } = await handedOff(CUSTOMER, 'direct');
    expect(JSON.stringify(cardOf(thread.activity).body)).toContain(
      '"desk":"send-suggestion","entryId":"order.track"',
    );
    const before = toCustomer().length;
    const press = agentPresses(thread.root, { desk: 'send-suggestion', entryId: 'order.track' }, alice);
    expect((await post(press)).body).toEqual({ status: 'done' });
    await vi.waitFor(
      () =>
        expect(
          customerText()
            .slice(before)
            .some((t) => /My orders/.test(t)),
        ).toBe(true),
      WAIT,
    );
  });

  it('what the customer writes meanwhile is posted into the thread, and the bot stays silent', async () => {
    await prime();
    const { thread } = await handedOff();
    const before = toCustomer().length;
    expect((await post(customerSays('any news? [soon] 2*3'))).body).toEqual({ status: 'accepted' });
    await vi.waitFor(() => expect(inThread(thread.root)).toContain('Customer: any news? [soon] 2*3'), WAIT);
    await settle();
    expect(toCustomer()).toHaveLength(before);
  });

  it('a restart in the middle keeps the thread ↔ conversation mapping and the channel reference', async () => {
    await prime();
    const { thread } = await handedOff();
    await server.close();
    server = await startSwitchboard(config, { clock }); // same SQLite file

    // The desk can still open threads: the reference came back from the store, no new @mention.
    const other = 'a:1SecondCustomerPersonalChat';
    const second = await handedOff(other);
    expect(second.thread.channelId).toBe(AGENTS);
    expect(inThread('1771290107407')).toHaveLength(1); // no second "connected" notice

    expect((await post(agentSays(thread.root, 'Back after the restart: it arrives tomorrow.'))).body).toEqual(
      {
        status: 'done',
      },
    );
    await vi.waitFor(
      () => expect(customerText()).toContain('Back after the restart: it arrives tomorrow.'),
      WAIT,
    );
    expect(customerText(other).join(' ')).not.toContain('Back after the restart');
  });

  it('a Bot Connector 503 on the card is retried by the outbound chain: one thread', async () => {
    await prime();
    recorder.refuseNext(503);
    const attempts = recorder.attempts;
    await handedOff();
    await settle();
    expect(recorder.threads).toHaveLength(1);
    expect(recorder.attempts - attempts).toBeGreaterThanOrEqual(2);
  });

  it('an unclaimed conversation is re-pinged in its thread, then escalated with a new post linking to it', async () => {
    await prime();
    const { conversation, thread } = await handedOff();
    offsetMs = (config.desk.escalateAfterSeconds + 5) * 1000;
    await vi.waitFor(() => expect(recorder.threads).toHaveLength(2), WAIT);
    expect(inThread(thread.root).some((text) => /Still unclaimed/.test(text))).toBe(true);
    const escalation = recorder.threads[1];
    expect(escalation?.channelId).toBe(AGENTS);
    expect(cardText(escalation?.activity ?? {})).toContain(`Ticket ${conversation.ticket}`);
    expect(cardOf(escalation?.activity ?? {}).actions).toEqual([
      expect.objectContaining({ type: 'Action.OpenUrl', url: expect.stringContaining(thread.root) }),
    ]);
  });

  it('activities from the agents’ channel never reach the customer pipeline', async () => {
    await prime();
    expect((await post(agentSays('1771290107407', 'where is my parcel?'))).body).toEqual({
      status: 'not-found',
    });
    await settle();
    expect(inThread('1771290107407')).toHaveLength(1); // only the "connected" notice
  });
});
