/** `npm run admin` end to end: a seeded SQLite store, the CLI as a child process, the store read back. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { extractContactDetails } from '../../src/core/identity/contact-details.js';
import { linkByContact } from '../../src/core/identity/link-customers.js';
import type { Address } from '../../src/core/model.js';
import { encryptionKeys } from '../../src/core/privacy/encryption-keys.js';
import { ConversationStore } from '../../src/core/store/conversation-store.js';
import { openStore } from '../../src/core/store/open-store.js';
import { tempDir } from '../helpers/switchboard.js';

const run = promisify(execFile);
const KEY = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const NEW_KEY = `k2:${Buffer.alloc(32, 2).toString('base64')}`;
const address = (channel: 'telegram' | 'webchat', chatId: string): Address => ({
  channel,
  chatId,
  userId: chatId,
});

async function admin(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
}

/** One person on two channels, linked by the phone number they typed, and a stranger. */
async function seed(storeUrl: string) {
  const store = await openStore(storeUrl, { encryption: encryptionKeys({ key: KEY }) });
  const conversations = new ConversationStore(store, systemClock);
  const onTelegram = await conversations.createCustomer('telegram:100');
  const first = await conversations.openConversation(onTelegram, address('telegram', '100'), 'zh-CN');
  const text = '我的手机是13800138000';
  await conversations.appendMessage(first, {
    direction: 'in',
    role: 'customer',
    text,
    quickReplies: [],
    attachments: [],
  });
  await linkByContact(store, conversations, onTelegram, extractContactDetails(text));
  const onWeb = await conversations.createCustomer('webchat:abc');
  const second = await conversations.openConversation(onWeb, address('webchat', 'abc'), 'zh-CN');
  await conversations.appendMessage(second, {
    direction: 'in',
    role: 'customer',
    text,
    quickReplies: [],
    attachments: [],
  });
  await linkByContact(store, conversations, onWeb, extractContactDetails(text));
  const stranger = await conversations.createCustomer('telegram:999');
  await conversations.openConversation(stranger, address('telegram', '999'), 'zh-CN');
  await store.close();
  return { onTelegram, first, second, stranger };
}

describe('npm run admin', () => {
  it('erase-customer removes one person on every channel, and --dry-run only tells', async () => {
    const storeUrl = `sqlite://${join(tempDir('admin-cli-'), 'store.sqlite')}`;
    const env = { STORE_URL: storeUrl, STORE_ENCRYPTION_KEY: KEY };
    const { onTelegram, first, second, stranger } = await seed(storeUrl);

    const dry = await admin(env, 'erase-customer', '+86 138 0013 8000', '--dry-run');
    expect(dry.stdout).toContain(`message:${first.id}:1`);
    expect(dry.stdout).toContain(`message:${second.id}:1`);
    expect(dry.stdout).toContain('contact:phone:+8613800138000');
    expect(dry.stdout).toMatch(/would remove \d+ key\(s\)/);

    const erased = await admin(env, 'erase-customer', 'webchat:abc');
    expect(erased.stdout).toContain('identity:telegram:100');
    expect(erased.stdout).toContain('identity:webchat:abc');
    expect(erased.stdout).toContain(`customer:${onTelegram.id}`);

    const store = await openStore(storeUrl, { encryption: encryptionKeys({ key: KEY }) });
    const conversations = new ConversationStore(store, systemClock);
    expect(await conversations.getConversation(first.id)).toBeUndefined();
    expect(await conversations.getMessage(second.id, 1)).toBeUndefined();
    expect(await conversations.findCustomerByIdentity('telegram:100')).toBeUndefined();
    expect(await store.get('contact:phone:+8613800138000')).toBeUndefined();
    expect(await conversations.findOpenConversation(address('webchat', 'abc'))).toBeUndefined();
    expect(await conversations.getCustomer(stranger.id)).toBeDefined();
    await store.close();

    await expect(admin(env, 'erase-customer', 'telegram:100')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no customer found for telegram:100'),
    });
  });

  it('reencrypt moves every transcript to the new key, so the old one can go', async () => {
    const storeUrl = `sqlite://${join(tempDir('admin-cli-'), 'store.sqlite')}`;
    const { first } = await seed(storeUrl);
    const out = await admin(
      { STORE_URL: storeUrl, STORE_ENCRYPTION_KEY: NEW_KEY, STORE_ENCRYPTION_OLD_KEYS: KEY },
      'reencrypt',
    );
    expect(out.stdout).toMatch(/rewrote [1-9]\d* of/);
    const store = await openStore(storeUrl, { encryption: encryptionKeys({ key: NEW_KEY }) });
    expect(await new ConversationStore(store, systemClock).getMessage(first.id, 1)).toMatchObject({
      text: '我的手机是13800138000',
    });
    await store.close();
  });

  it('names the variable when a key is malformed', async () => {
    await expect(admin({ STORE_ENCRYPTION_KEY: 'short' }, 'reencrypt')).rejects.toMatchObject({
      stderr: expect.stringContaining('STORE_ENCRYPTION_KEY (environment)'),
    });
  });
});
