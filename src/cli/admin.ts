/**
 * `npm run admin -- <command>`: privacy operations on the store the settings name (STORE_URL,
 * STORE_ENCRYPTION_KEY…, as `npm start` reads them). docs/privacy.md describes each.
 *
 *   erase-customer <customer id | platform id | phone | email> [--dry-run]
 *       deletes everything about one customer (a PIPL/GDPR request) and prints each key removed
 *   reencrypt
 *       seals every transcript value with STORE_ENCRYPTION_KEY (after a key rotation), or writes
 *       them in the clear when only STORE_ENCRYPTION_OLD_KEYS is set (turning encryption off)
 *
 * With the embedded SQLite store, stop the server first: it holds the file locked.
 */
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config/load-config.js';
import type { Config } from '../core/config/schema.js';
import { encryptionKeys } from '../core/privacy/encryption-keys.js';
import { eraseCustomer, findCustomer } from '../core/privacy/erase.js';
import { ConversationStore } from '../core/store/conversation-store.js';
import { EncryptedStore } from '../core/store/encrypted-store.js';
import type { KeyValueStore } from '../core/store/key-value.js';
import { openStore } from '../core/store/open-store.js';
import { listSealedKeys } from './store-keys.js';

const USAGE = `usage: npm run admin -- erase-customer <customer id | platform id like telegram:123 | phone | email> [--dry-run]
       npm run admin -- reencrypt`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const dryRun = rest.includes('--dry-run');
  const operands = rest.filter((arg) => arg !== '--dry-run');
  const config = loadConfig();
  if (command === 'erase-customer' && operands.length === 1) {
    return withStore(config, (store) => erase(store, operands[0] as string, dryRun));
  }
  if (command === 'reencrypt' && operands.length === 0 && !dryRun) {
    const keys = await listSealedKeys(config.storeUrl);
    return withStore(config, (store) => reencrypt(store, keys));
  }
  console.error(USAGE);
  return 2;
}

async function erase(store: KeyValueStore, reference: string, dryRun: boolean): Promise<number> {
  const conversations = new ConversationStore(store, systemClock);
  const customer = await findCustomer(store, conversations, reference);
  if (!customer) {
    console.error(`no customer found for ${reference}`);
    return 1;
  }
  const erased = await eraseCustomer({ kv: store, conversations, dryRun }, customer);
  for (const line of erased) console.log(line);
  console.log(`${dryRun ? 'would remove' : 'removed'} ${erased.length} key(s) of customer ${customer.id}`);
  return 0;
}

async function reencrypt(store: KeyValueStore, keys: string[]): Promise<number> {
  if (!(store instanceof EncryptedStore))
    throw new Error('the store was opened without its encryption layer');
  let rewritten = 0;
  for (const key of keys) if (await store.rewrite(key)) rewritten++;
  await store.markRewritten();
  console.log(
    `rewrote ${rewritten} of ${keys.length} transcript value(s); the rest already used the current key`,
  );
  return 0;
}

async function withStore(config: Config, run: (store: KeyValueStore) => Promise<number>): Promise<number> {
  const store = await openStore(config.storeUrl, { encryption: encryptionKeys(config.storeEncryption) });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
