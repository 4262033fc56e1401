/**
 * Files Switchboard hands on between platforms, e.g. a picture an agent attaches in Slack: the
 * agent's file is private to Slack, so it is copied here and the customer's platform (Telegram,
 * Teams, the web chat) fetches it from `${PUBLIC_URL}/files/<id>/<name>`. Ids are 128 random bits,
 * so a link is as private as the conversation it was sent in; files expire after `ttlMs`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { isoNow } from '../clock.js';
import { newId } from '../model.js';
import type { KeyValueStore } from '../store/key-value.js';

export interface StoredFile {
  id: string;
  name: string;
  mime: string;
  size: number;
  createdAt: string;
}

export interface FileStoreOptions {
  dir: string;
  kv: KeyValueStore;
  clock: Clock;
  /** Without a public URL no platform can fetch the files: the store is off. */
  publicUrl: string | undefined;
  maxBytes: number;
  ttlMs: number;
}

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
}

export class FileStore {
  readonly #options: FileStoreOptions;

  constructor(options: FileStoreOptions) {
    this.#options = options;
  }

  /** True when files can be handed on (PUBLIC_URL is set). */
  get enabled(): boolean {
    return this.#options.publicUrl !== undefined;
  }

  get maxBytes(): number {
    return this.#options.maxBytes;
  }

  /** Keeps `data` and returns the public URL platforms fetch it from. */
  async save(
    data: Uint8Array,
    meta: { name?: string; mime?: string },
  ): Promise<{ url: string; file: StoredFile }> {
    const { dir, kv, clock, publicUrl, maxBytes, ttlMs } = this.#options;
    if (!publicUrl) throw new Error('files cannot be handed on without PUBLIC_URL');
    if (data.byteLength > maxBytes)
      throw new FileTooLargeError(`${data.byteLength} bytes is over ${maxBytes}`);
    const id = newId('file').slice('file_'.length);
    const file: StoredFile = {
      id,
      name: safeName(meta.name),
      mime: meta.mime ?? 'application/octet-stream',
      size: data.byteLength,
      createdAt: isoNow(clock),
    };
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, id), data);
    await kv.set(fileKey(id), file, ttlMs);
    const base = publicUrl.replace(/\/+$/, '');
    return { url: `${base}/files/${id}/${encodeURIComponent(file.name)}`, file };
  }

  /** The file and its bytes, or undefined when unknown or expired. */
  async read(id: string): Promise<{ file: StoredFile; data: Buffer } | undefined> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
    const file = await this.#options.kv.get<StoredFile>(fileKey(id));
    if (!file) return undefined;
    try {
      return { file, data: await readFile(join(this.#options.dir, id)) };
    } catch {
      return undefined;
    }
  }
}

/** A name that is safe in a URL path and a Content-Disposition header. */
function safeName(name: string | undefined): string {
  const cleaned = (name ?? '')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .trim()
    .slice(0, 120);
  return cleaned === '' || cleaned.startsWith('.') ? `file${cleaned}` : cleaned;
}

function fileKey(id: string): string {
  return `file:${id}`;
}
