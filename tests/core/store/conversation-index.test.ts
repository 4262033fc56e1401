/** The indexes behind "a customer's conversations": nothing dropped when two open at once. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

let kv: KeyValueStore;

afterEach(async () => {
  await kv.close();
});

describe('a customer’s conversations', () => {
  it('keeps both when two open at the same moment, oldest first, and forgets an erased one', async () => {
    kv = await openStore(`sqlite://${join(tempDir(), 'index.sqlite')}`);
    const conversations = new ConversationStore(kv, systemClock);
    const customer = await conversations.createCustomer('telegram:1', {});
    const first = await conversations.openConversation(
      customer,
      { channel: 'telegram', chatId: '1', userId: '1' },
      'en',
    );
    const [a, b] = await Promise.all([
      conversations.openConversation(customer, { channel: 'wechat', chatId: 'w', userId: 'w' }, 'zh-CN'),
      conversations.openConversation(customer, { channel: 'slack', chatId: 'D1', userId: 'U1' }, 'en'),
    ]);
    const ids = await conversations.conversationIdsOf(customer.id);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toBe(first.id);
    expect(new Set(ids)).toEqual(new Set([first.id, a.id, b.id]));
    await conversations.unfileConversation(customer.id, a.id);
    expect(await conversations.conversationIdsOf(customer.id)).not.toContain(a.id);
  });

  it('still reads the list written by earlier versions under the same key', async () => {
    kv = await openStore(`sqlite://${join(tempDir(), 'legacy.sqlite')}`);
    const conversations = new ConversationStore(kv, systemClock);
    const customer = await conversations.createCustomer('telegram:2', {});
    const old = await conversations.openConversation(
      customer,
      { channel: 'telegram', chatId: '2', userId: '2' },
      'en',
    );
    await kv.removeMember(`conversations-of:${customer.id}`, old.id);
    await kv.set(`conversations-of:${customer.id}`, [old.id]);
    expect(await conversations.conversationIdsOf(customer.id)).toEqual([old.id]);
  });
});
