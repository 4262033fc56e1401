import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractContactDetails } from '../../../src/core/identity/contact-details.js';
import { linkByContact } from '../../../src/core/identity/link-customers.js';
import type { Address, Customer } from '../../../src/core/model.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';

const wechat: Address = { channel: 'wechat', chatId: 'wxid_zhangwei', userId: 'wxid_zhangwei' };
const telegram: Address = { channel: 'telegram', chatId: '42', userId: '42' };
const webchat: Address = { channel: 'webchat', chatId: 'ws_visitor', userId: 'ws_visitor' };

let kv: KeyValueStore;
let conversations: ConversationStore;
let now = Date.parse('2024-05-01T06:00:00Z');

beforeEach(async () => {
  kv = await openStore('sqlite://:memory:');
  conversations = new ConversationStore(kv, { now: () => now });
});
afterEach(async () => {
  await kv.close();
});

/** A customer's first message on a channel: the customer, their conversation, and the link it makes. */
async function say(address: Address, text: string, profile: { name?: string } = {}) {
  now += 60_000;
  const identity = `${address.channel}:${address.userId}`;
  const customer: Customer =
    (await conversations.findCustomerByIdentity(identity)) ??
    (await conversations.createCustomer(identity, profile));
  const conversation =
    (await conversations.findOpenConversation(address)) ??
    (await conversations.openConversation(customer, address, 'zh-CN'));
  const link = await linkByContact(kv, conversations, customer, extractContactDetails(text));
  return { customer, conversation, link };
}

describe('linkByContact', () => {
  it('makes one customer of a WeChat and a Telegram user who give the same phone', async () => {
    const first = await say(wechat, '我的手机号是 138 0013 8000', { name: '张伟' });
    expect(first.link).toEqual({ linked: false, customerId: first.customer.id });

    const second = await say(telegram, 'my number is +86 13800138000', { name: 'Zhang' });
    expect(second.customer.id).not.toBe(first.customer.id);
    expect(second.link).toEqual({ linked: true, customerId: first.customer.id });

    const person = await conversations.findCustomerByIdentity('telegram:42');
    expect(person?.id).toBe(first.customer.id);
    expect(person?.identities).toEqual(['wechat:wxid_zhangwei', 'telegram:42']);
    expect(person?.name).toBe('张伟');
    expect(person?.contacts).toEqual(['phone:+8613800138000']);
    expect(person?.linked).toEqual([
      { customerId: second.customer.id, identities: ['telegram:42'], via: 'phone', at: expect.any(String) },
    ]);
    expect(await conversations.conversationIdsOf(first.customer.id)).toEqual([
      first.conversation.id,
      second.conversation.id,
    ]);

    // The Telegram conversation was opened before the link: it still finds the whole person.
    expect((await conversations.getCustomer(second.conversation.customerId))?.id).toBe(first.customer.id);
    expect(await conversations.conversationIdsOf(second.conversation.customerId)).toHaveLength(2);
    expect(await kv.get<Customer>(`customer:${second.customer.id}`)).toMatchObject({
      identities: [],
      mergedInto: first.customer.id,
    });
  });

  it('files conversations opened after the link under the one customer', async () => {
    const first = await say(wechat, '13800138000');
    const linked = await say(telegram, '13800138000');
    await conversations.closeConversation(linked.conversation, {});
    const again = await say(telegram, '还是我');
    expect(again.conversation.id).not.toBe(linked.conversation.id);
    expect(again.conversation.customerId).toBe(first.customer.id);
    expect(await conversations.conversationIdsOf(first.customer.id)).toEqual([
      first.conversation.id,
      linked.conversation.id,
      again.conversation.id,
    ]);
  });

  it('does nothing when the same customer gives the same e-mail again', async () => {
    const first = await say(wechat, '邮箱 li.lei@example.com');
    const before = await conversations.getCustomer(first.customer.id);
    const again = await say(wechat, 'Li.Lei@Example.com 收到了吗');
    expect(again.link).toEqual({ linked: false, customerId: first.customer.id });
    expect(await conversations.getCustomer(first.customer.id)).toEqual(before);
    expect(before?.contacts).toEqual(['email:li.lei@example.com']);
  });

  it('does nothing without contact details', async () => {
    const first = await say(wechat, '你好');
    expect(first.link).toEqual({ linked: false, customerId: first.customer.id });
    expect((await conversations.getCustomer(first.customer.id))?.contacts).toBeUndefined();
  });

  it('joins three records when one message names details held by two earlier customers', async () => {
    const byPhone = await say(wechat, '13800138000');
    const byEmail = await say(webchat, 'li.lei@example.com');
    const both = await say(telegram, '13800138000, li.lei@example.com');
    expect(both.link.linked).toBe(true);
    const person = await conversations.findCustomerByIdentity('wechat:wxid_zhangwei');
    expect(person?.id).toBe(both.link.customerId);
    expect(new Set(person?.identities)).toEqual(
      new Set(['wechat:wxid_zhangwei', 'webchat:ws_visitor', 'telegram:42']),
    );
    for (const { customer } of [byPhone, byEmail, both]) {
      expect((await conversations.getCustomer(customer.id))?.id).toBe(person?.id);
    }
    expect(await conversations.conversationIdsOf(person?.id ?? '')).toHaveLength(3);
  });

  it('lets exactly one customer own a detail two of them give at the same moment', async () => {
    const a = await conversations.createCustomer('wechat:wxid_a');
    const b = await conversations.createCustomer('telegram:99');
    const details = extractContactDetails('13900139000');
    const [ra, rb] = await Promise.all([
      linkByContact(kv, conversations, a, details),
      linkByContact(kv, conversations, b, details),
    ]);
    expect(ra.customerId).toBe(rb.customerId);
    expect([ra.linked, rb.linked].sort()).toEqual([false, true]);
    expect((await conversations.getCustomer(ra.customerId))?.identities).toHaveLength(2);
  });
});
