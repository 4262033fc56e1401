/**
 * Transcripts encrypted at rest (docs/privacy.md, "Encryption at rest"): a KeyValueStore decorator
 * that seals the values of the keys holding who customers are and what they wrote (customer:,
 * conversation:, message:) with AES-256-GCM. Every other key passes through untouched: dedupe
 * marks, locks, claims and indexes stay readable and atomic in the backend's own primitives.
 *
 * A sealed value is the string `enc1:<key id>:<base64 of iv, tag, ciphertext>`, and the store key
 * is its authenticated data, so a value copied under another key does not open. A value stored in
 * the clear (written before encryption was turned on) still reads; `npm run admin -- reencrypt`
 * seals it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SwitchboardError } from '../errors.js';
import type { EncryptionKey, EncryptionKeys } from '../privacy/encryption-keys.js';
import type { KeyValueStore, SetIfAbsentResult, StoreBackend } from './key-value.js';

/** Keys whose values are sealed; conversation-store.ts lists what each holds. */
export const SEALED_KEY_PREFIXES = ['customer:', 'conversation:', 'message:'] as const;

/**
 * Ids of every key that may have sealed a value since the last full `reencrypt`, in the clear:
 * opening the store without one of them stops startup, instead of failing on some old transcript.
 */
export const KEYS_IN_USE_KEY = 'store-encryption:keys-in-use';

const MARK = 'enc1:';
const IV_BYTES = 12; // GCM's standard nonce; random per value (2^32 values per key stay far below the collision bound)
const TAG_BYTES = 16;

/** A sealed value that no configured key opens. Not retryable: the settings must change. */
export class StoreEncryptionError extends SwitchboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_encryption', message, options);
  }
}

export function isSealedKey(key: string): boolean {
  return SEALED_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export class EncryptedStore implements KeyValueStore {
  readonly #inner: KeyValueStore;
  readonly #keys: EncryptionKeys;

  constructor(inner: KeyValueStore, keys: EncryptionKeys) {
    this.#inner = inner;
    this.#keys = keys;
  }

  get backend(): StoreBackend {
    return this.#inner.backend;
  }

  get description(): string {
    return this.#inner.description;
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.#open<T>(key, await this.#inner.get(key));
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    const values = await this.#inner.getMany(keys);
    return values.map((value, i) => this.#open<T>(keys[i] as string, value));
  }

  set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    return this.#inner.set(key, this.#seal(key, value), ttlMs);
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }

  setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<SetIfAbsentResult<T>> {
    return this.#inner.setIfAbsent(key, value, ttlMs);
  }

  publish(topic: string, notice: unknown): Promise<void> {
    return this.#inner.publish(topic, notice);
  }

  subscribe(topic: string, listener: (notice: unknown) => void): Promise<() => Promise<void>> {
    return this.#inner.subscribe(topic, listener);
  }

  extendIfHeld<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    return this.#inner.extendIfHeld(key, value, ttlMs);
  }

  releaseIfHeld<T>(key: string, value: T): Promise<boolean> {
    return this.#inner.releaseIfHeld(key, value);
  }

  addMember(set: string, member: string): Promise<void> {
    return this.#inner.addMember(set, member);
  }

  removeMember(set: string, member: string): Promise<void> {
    return this.#inner.removeMember(set, member);
  }

  members(set: string): Promise<string[]> {
    return this.#inner.members(set);
  }

  ping(): Promise<void> {
    return this.#inner.ping();
  }

  fatalError(): Error | undefined {
    return this.#inner.fatalError();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /**
   * Stops startup when values sealed by a key that is no longer configured may exist, and notes
   * the current key as in use. Called once when the store opens.
   */
  async checkKeys(): Promise<void> {
    const inUse = (await this.#inner.get<string[]>(KEYS_IN_USE_KEY)) ?? [];
    const missing = inUse.filter((id) => !this.#keys.readers.has(id));
    if (missing.length > 0) {
      throw new StoreEncryptionError(
        `the store holds values encrypted with key id(s) ${missing.join(', ')}, which are neither ` +
          'STORE_ENCRYPTION_KEY nor in STORE_ENCRYPTION_OLD_KEYS: add the old key(s) to STORE_ENCRYPTION_OLD_KEYS',
      );
    }
    const current = this.#keys.current;
    if (current && !inUse.includes(current.id))
      await this.#inner.set(KEYS_IN_USE_KEY, [...inUse, current.id]);
  }

  /**
   * Seals the value of `key` with the current key (or stores it in the clear when there is none).
   * True when it changed. Values under sealed keys carry no TTL, so none is kept.
   */
  async rewrite(key: string): Promise<boolean> {
    if (!isSealedKey(key)) return false;
    const stored = await this.#inner.get(key);
    if (stored === undefined || this.#keyIdOf(stored) === this.#keys.current?.id) return false;
    await this.set(key, this.#open(key, stored));
    return true;
  }

  /** After every sealed value was rewritten: only the current key is in use any more. */
  async markRewritten(): Promise<void> {
    await this.#inner.set(KEYS_IN_USE_KEY, this.#keys.current ? [this.#keys.current.id] : []);
  }

  #seal(key: string, value: unknown): unknown {
    const current = this.#keys.current;
    if (!current || !isSealedKey(key)) return value;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.secret, iv);
    cipher.setAAD(Buffer.from(key));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${MARK}${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  #open<T>(key: string, stored: unknown): T | undefined {
    const id = this.#keyIdOf(stored);
    if (id === undefined || !isSealedKey(key)) return stored as T | undefined;
    const secret = this.#reader(key, id).secret;
    const bytes = Buffer.from((stored as string).slice(MARK.length + id.length + 1), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(key));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const json = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(json.toString('utf8')) as T;
    } catch (error) {
      throw new StoreEncryptionError(
        `${key} does not decrypt with key id "${id}": the key given for that id is wrong, or the value was altered`,
        { cause: error },
      );
    }
  }

  #reader(key: string, id: string): EncryptionKey {
    const reader = this.#keys.readers.get(id);
    if (reader) return reader;
    throw new StoreEncryptionError(
      this.#keys.readers.size === 0
        ? `${key} is encrypted (key id "${id}") but STORE_ENCRYPTION_KEY is not set`
        : `${key} is encrypted with key id "${id}", which is neither STORE_ENCRYPTION_KEY nor in STORE_ENCRYPTION_OLD_KEYS`,
    );
  }

  /** The id of the key that sealed a stored value; undefined for a value in the clear. */
  #keyIdOf(stored: unknown): string | undefined {
    if (typeof stored !== 'string' || !stored.startsWith(MARK)) return undefined;
    const end = stored.indexOf(':', MARK.length);
    return end < 0 ? undefined : stored.slice(MARK.length, end);
  }
}

/** The store with sealing on; it checks the keys against what the store says is in use. */
export async function withEncryption(
  store: KeyValueStore,
  keys: EncryptionKeys = { readers: new Map() },
): Promise<EncryptedStore> {
  const encrypted = new EncryptedStore(store, keys);
  await encrypted.checkKeys();
  return encrypted;
}
