/**
 * The keys that encrypt transcripts at rest (docs/privacy.md, "Encryption at rest"), parsed from
 * STORE_ENCRYPTION_KEY and STORE_ENCRYPTION_OLD_KEYS. A key is 32 random bytes in base64, written
 * alone or as `<id>:<base64>`. Every ciphertext names the id of its key, so after a rotation the old
 * key still reads what it wrote until `npm run admin -- reencrypt` has rewritten it.
 */
import { createHash } from 'node:crypto';

export interface EncryptionKey {
  /** Stored with each value; a key given without one gets its fingerprint (8 hex digits). */
  id: string;
  secret: Buffer;
}

export interface EncryptionKeys {
  /** What new values are encrypted with; unset: they are stored in the clear. */
  current?: EncryptionKey;
  /** Every key that may read a value, the current one included, by id. */
  readers: ReadonlyMap<string, EncryptionKey>;
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Thrown with a message fit for the settings error: it never repeats the key itself. */
export class EncryptionKeySyntaxError extends Error {}

/** `base64` or `id:base64` (base64 has no colon, so the first one splits). */
export function parseEncryptionKey(text: string): EncryptionKey {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const id = colon < 0 ? undefined : trimmed.slice(0, colon);
  const encoded = colon < 0 ? trimmed : trimmed.slice(colon + 1);
  if (id !== undefined && !KEY_ID.test(id)) {
    throw new EncryptionKeySyntaxError('the key id before ":" must be 1-32 of A-Z, a-z, 0-9, _ and -');
  }
  const secret = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (secret.length !== KEY_BYTES) {
    throw new EncryptionKeySyntaxError(
      'must be 32 random bytes in base64, optionally prefixed by an id and ":" (make one with `openssl rand -base64 32`)',
    );
  }
  return { id: id ?? fingerprint(secret), secret };
}

/** Old keys as the environment gives them: comma-separated; the YAML file may give a list. */
export function splitKeyList(value: string | readonly string[] | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** The key ring of the settings; throws EncryptionKeySyntaxError on a bad key or two keys sharing an id. */
export function encryptionKeys(settings: {
  key?: string | undefined;
  oldKeys?: readonly string[];
}): EncryptionKeys {
  const current = settings.key ? parseEncryptionKey(settings.key) : undefined;
  const old = (settings.oldKeys ?? []).map(parseEncryptionKey);
  const readers = new Map<string, EncryptionKey>();
  for (const key of [...old, ...(current ? [current] : [])]) {
    const same = readers.get(key.id);
    if (same && !same.secret.equals(key.secret)) {
      throw new EncryptionKeySyntaxError(
        `two different keys have the id "${key.id}": give each key its own id`,
      );
    }
    readers.set(key.id, key);
  }
  return { ...(current ? { current } : {}), readers };
}

function fingerprint(secret: Buffer): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}
