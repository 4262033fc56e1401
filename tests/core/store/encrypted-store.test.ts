import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encryptionKeys } from '../../../src/core/privacy/encryption-keys.js';
import { EncryptedStore, StoreEncryptionError } from '../../../src/core/store/encrypted-store.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

const keyOf = (id: string, byte: number) => `${id}:${Buffer.alloc(32, byte).toString('base64')}`;
const SECRET_TEXT = 'my phone is 13800138000, address 北京市朝阳区';

function sqliteUrl(): { url: string; file: string } {
  const file = join(tempDir('encrypted-store-'), 'store.sqlite');
  return { url: `sqlite://${file}`, file };
}

async function open(url: string, key?: string, oldKeys: string[] = []) {
  return openStore(url, { encryption: encryptionKeys({ ...(key ? { key } : {}), oldKeys }) });
}

/** What is on disk, the write-ahead log included. */
function diskBytes(file: string): string {
  return [file, `${file}-wal`]
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString('latin1'))
    .join('');
}

describe('EncryptedStore', () => {
  it('round-trips transcripts and keeps them off the disk in the clear', async () => {
    const { url, file } = sqliteUrl();
    const store = await open(url, keyOf('k1', 1));
    await store.set('message:conv_1:1', { text: SECRET_TEXT, role: 'customer' });
    await store.set('customer:cus_1', { id: 'cus_1', name: 'Li Lei-secret-name' });
    await store.set('dedupe:telegram:42', { seen: 'operational-plain' });
    expect(await store.get('message:conv_1:1')).toEqual({ text: SECRET_TEXT, role: 'customer' });
    expect(await store.getMany(['customer:cus_1', 'nothing:here'])).toEqual([
      { id: 'cus_1', name: 'Li Lei-secret-name' },
      undefined,
    ]);
    await store.close();

    const disk = diskBytes(file);
    expect(disk).not.toContain('13800138000');
    expect(disk).not.toContain('Li Lei-secret-name');
    expect(disk).toContain('enc1:k1:');
    // Operational keys stay readable for the backend's own primitives and for operators.
    expect(disk).toContain('operational-plain');
  });

  it('reads with an old key after a rotation, and reencrypt moves everything to the new key', async () => {
    const { url, file } = sqliteUrl();
    const first = await open(url, keyOf('k1', 1));
    await first.set('conversation:conv_1', { id: 'conv_1', note: 'written under k1' });
    await first.close();

    const rotated = await open(url, keyOf('k2', 2), [keyOf('k1', 1)]);
    expect(await rotated.get('conversation:conv_1')).toEqual({ id: 'conv_1', note: 'written under k1' });
    expect(rotated).toBeInstanceOf(EncryptedStore);
    expect(await (rotated as EncryptedStore).rewrite('conversation:conv_1')).toBe(true);
    expect(await (rotated as EncryptedStore).rewrite('conversation:conv_1')).toBe(false);
    await (rotated as EncryptedStore).markRewritten();
    await rotated.close();
    expect(diskBytes(file)).toContain('enc1:k2:');

    const newOnly = await open(url, keyOf('k2', 2));
    expect(await newOnly.get('conversation:conv_1')).toEqual({ id: 'conv_1', note: 'written under k1' });
    await newOnly.close();
  });

  it('refuses to start without a key the store still uses, naming the variable', async () => {
    const { url } = sqliteUrl();
    const first = await open(url, keyOf('k1', 1));
    await first.set('message:conv_1:1', { text: SECRET_TEXT });
    await first.close();
    await expect(open(url)).rejects.toThrow(/k1.*STORE_ENCRYPTION_OLD_KEYS/);
    await expect(open(url, keyOf('k2', 2))).rejects.toThrow(StoreEncryptionError);
  });

  it('gives a clear error, never garbage, when the key for an id is wrong', async () => {
    const { url } = sqliteUrl();
    const first = await open(url, keyOf('k1', 1));
    await first.set('message:conv_1:1', { text: SECRET_TEXT });
    await first.close();
    const wrong = await open(url, keyOf('k1', 9));
    await expect(wrong.get('message:conv_1:1')).rejects.toThrow(
      /message:conv_1:1 does not decrypt with key id "k1"/,
    );
    await wrong.close();
  });

  it('does not open a value copied under another key', async () => {
    const { url, file } = sqliteUrl();
    const store = await open(url, keyOf('k1', 1));
    await store.set('customer:a', { id: 'a' });
    await store.close();
    const db = new Database(file);
    db.prepare(
      "INSERT INTO switchboard_kv (key, value) SELECT 'switchboard:customer:b', value FROM switchboard_kv WHERE key = 'switchboard:customer:a'",
    ).run();
    db.close();
    const again = await open(url, keyOf('k1', 1));
    await expect(again.get('customer:b')).rejects.toThrow(StoreEncryptionError);
    expect(await again.get('customer:a')).toEqual({ id: 'a' });
    await again.close();
  });
});
