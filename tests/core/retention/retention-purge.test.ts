import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address } from '../../../src/core/model.js';
import { RetentionPurge } from '../../../src/core/retention/retention-purge.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

const DAY = 86_400_000;
const address = (chatId: string): Address => ({ channel: 'telegram', chatId, userId: chatId });

let store: KeyValueStore | undefined;
afterEach(async () => store?.close());

describe('RetentionPurge', () => {
  it('deletes closed conversations older than the setting, with their messages and customer', async () => {
    let now = Date.parse('2024-01-10T08:00:00Z');
    const clock = { now: () => now };
    store = await openStore(`sqlite://${join(tempDir('retention-'), 'store.sqlite')}`, { clock });
    const conversations = new ConversationStore(store, clock);

    const old = await conversations.createCustomer('telegram:1', { name: 'Old Customer' });
    let expired = await conversations.openConversation(old, address('1'), 'zh-CN');
    expired = (
      await conversations.appendMessage(expired, {
        direction: 'in',
        role: 'customer',
        text: '我的手机13800138000',
        quickReplies: [],
        attachments: [],
      })
    ).conversation;
    await conversations.closeConversation(expired, { closedAt: new Date(now).toISOString() });

    const stillTalking = await conversations.createCustomer('telegram:2');
    const open = await conversations.openConversation(stillTalking, address('2'), 'zh-CN');

    const purge = new RetentionPurge({
      kv: store,
      conversations,
      clock,
      logger: pino({ level: 'silent' }),
      days: 30,
    });
    now += 29 * DAY;
    expect(await purge.tick()).toBe(0);
    expect(await conversations.getConversation(expired.id)).toBeDefined();

    now += 2 * DAY;
    expect(await purge.tick()).toBe(1);
    expect(await conversations.getConversation(expired.id)).toBeUndefined();
    expect(await conversations.getMessage(expired.id, 1)).toBeUndefined();
    expect(await conversations.getCustomer(old.id)).toBeUndefined();
    expect(await conversations.findCustomerByIdentity('telegram:1')).toBeUndefined();
    expect(await conversations.conversationIdsOpenedOn('2024-01-10')).toEqual([open.id]);
    // Open conversations are never purged, however old.
    expect(await conversations.getConversation(open.id)).toBeDefined();
    expect(await purge.tick()).toBe(0);
  });
});
