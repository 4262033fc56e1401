/** Attachment downloads never reach private addresses, never follow redirects, and stop at the limit. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { guardedDownload, isPublicAddress } from '../../../src/core/net/guarded-download.js';

let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

async function localServer(): Promise<number> {
  server = createServer((_request, response) => response.end('secret internal page'));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '52.96.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('guardedDownload', () => {
  it('refuses a link to this machine, by address or by a name that resolves to it', async () => {
    const port = await localServer();
    const options = { maxBytes: 1024, timeoutMs: 2000 };
    await expect(guardedDownload(new URL(`http://127.0.0.1:${port}/x`), options)).rejects.toThrow(
      'is not on the public internet',
    );
    await expect(guardedDownload(new URL(`http://localhost:${port}/x`), options)).rejects.toThrow(
      'localhost is not on the public internet',
    );
    await expect(guardedDownload(new URL('http://[::1]/x'), options)).rejects.toThrow(
      'is not on the public internet',
    );
  });

  it('downloads from a local stand-in only when told to, and stops at the size limit', async () => {
    const port = await localServer();
    const url = new URL(`http://127.0.0.1:${port}/x`);
    const { data } = await guardedDownload(url, { maxBytes: 1024, timeoutMs: 2000, allowPrivate: true });
    expect(data.toString()).toBe('secret internal page');
    await expect(guardedDownload(url, { maxBytes: 5, timeoutMs: 2000, allowPrivate: true })).rejects.toThrow(
      'larger than 1 KB',
    );
  });
});
