/**
 * The idle closer on a real Switchboard with a fake clock: a quiet bot conversation closes as
 * resolved by the bot after `csat.closeIdleMinutes`, a handoff nobody claimed closes as abandoned
 * after `csat.abandonAfterMinutes` (and leaves the queue, unasked), and a conversation that is
 * still going is left alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idleResolution } from '../../../src/core/closing/idle-closer.js';
import type { Conversation } from '../../../src/core/model.js';
import { REPLIES } from '../../../src/core/replies.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { WebchatClient } from '../../helpers/webchat-client.js';

const MINUTE = 60_000;

let server: RunningSwitchboard;
let offset = 0;

async function conversation(id: string): Promise<Conversation> {
  const found = await server.conversations.getConversation(id);
  if (!found) throw new Error(`no conversation ${id}`);
  return found;
}

async function chatting(...questions: string[]) {
  const customer = await WebchatClient.create(server.url, { locale: 'en' });
  for (const question of questions) await customer.ask(question);
  return { customer, id: (await customer.session()).conversation?.id ?? '' };
}

describe('idle closer', () => {
  beforeEach(async () => {
    offset = 0;
    server = await startSwitchboard(testConfig(), { clock: { now: () => Date.now() + offset } });
  });

  afterEach(async () => {
    await server.close();
  });

  it('closes a bot conversation 30 min after its last message, not before, and asks for a rating', async () => {
    const { customer, id } = await chatting('where is my parcel?');
    expect(await server.conversations.openIds.list()).toContain(id);

    offset += 20 * MINUTE;
    await server.idleCloser.tick();
    // The customer writes again: the 30 minutes start over.
    await customer.ask('how do I return an item?');
    offset += 20 * MINUTE;
    await server.idleCloser.tick();
    expect((await conversation(id)).status).toBe('bot');

    offset += 11 * MINUTE;
    await server.idleCloser.tick();
    const closed = await conversation(id);
    expect(closed).toMatchObject({ status: 'closed', resolution: 'bot' });
    expect(Date.parse(closed.closedAt ?? '')).toBeGreaterThan(Date.now() + 50 * MINUTE);
    expect(closed.summary).toMatchObject({ resolution: 'bot', handledBy: 'bot' });
    expect(closed.summary?.answered.length).toBeGreaterThan(0);
    const last = (await server.conversations.listMessages(closed)).at(-1);
    expect(last?.text).toBe(REPLIES.csatQuestion.en);
    expect(await server.conversations.openIds.list()).not.toContain(id);

    // Closing twice is not possible: the next pass finds nothing to do.
    await server.idleCloser.tick();
    expect((await conversation(id)).messageCount).toBe(closed.messageCount);
  });

  it('closes a handoff nobody claimed for 24 h as abandoned, out of the queue and unasked', async () => {
    const { id } = await chatting('talk to a person');
    expect((await conversation(id)).status).toBe('waiting');
    expect(await server.desk.queue.position(id)).toBe(1);

    offset += 23 * 60 * MINUTE;
    await server.idleCloser.tick();
    expect((await conversation(id)).status).toBe('waiting');

    offset += 61 * MINUTE;
    await server.idleCloser.tick();
    const closed = await conversation(id);
    expect(closed).toMatchObject({ status: 'closed', resolution: 'abandoned' });
    expect(closed.summary).toMatchObject({ resolution: 'abandoned', handledBy: 'nobody' });
    expect(await server.desk.queue.position(id)).toBeUndefined();
    const texts = (await server.conversations.listMessages(closed)).map((m) => m.text);
    expect(texts).not.toContain(REPLIES.csatQuestion.en);
  });

  it('drops an id from the index when its conversation closed without it', async () => {
    const { id } = await chatting('where is my parcel?');
    await server.conversations.updateConversation(await conversation(id), { status: 'closed' });
    await server.idleCloser.tick();
    expect(await server.conversations.openIds.list()).not.toContain(id);
  });
});

describe('idleResolution', () => {
  const base: Conversation = {
    id: 'conv_AAAAAAAAAAAAAAAAAAAAAA',
    customerId: 'cus_AAAAAAAAAAAAAAAAAAAAAA',
    address: { channel: 'webchat', chatId: 'ws_x', userId: 'ws_x' },
    status: 'bot',
    priority: 'normal',
    locale: 'en',
    openedAt: '2026-03-02T10:00:00.000Z',
    messageCount: 3,
    misses: 0,
  };
  const settings = { closeIdleMs: 30 * MINUTE, abandonAfterMs: 24 * 60 * MINUTE };
  const at = (iso: string) => Date.parse(iso);

  it('never closes a conversation an agent has', () => {
    const agent = { ...base, status: 'agent' as const, handedOffAt: base.openedAt };
    expect(idleResolution(agent, base.openedAt, at('2026-03-09T10:00:00Z'), settings)).toBeUndefined();
  });

  it('counts a waiting conversation from its handoff, not its last message', () => {
    const waiting = { ...base, status: 'waiting' as const, handedOffAt: '2026-03-02T12:00:00.000Z' };
    expect(idleResolution(waiting, base.openedAt, at('2026-03-03T11:59:00Z'), settings)).toBeUndefined();
    expect(idleResolution(waiting, base.openedAt, at('2026-03-03T12:00:00Z'), settings)).toBe('abandoned');
  });
});
