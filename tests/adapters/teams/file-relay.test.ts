/**
 * Which Teams links the desk fetches, and with what: the production rules (https, Microsoft's
 * hosts, the bot's token only to the Bot Connector) that emulator mode cannot reach, against nock.
 */
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplyFile } from '../../../src/adapters/teams/desk-parse.js';
import { isConnectorUrl, isTeamsFileUrl, relayTeamsFiles } from '../../../src/adapters/teams/file-relay.js';
import { systemClock } from '../../../src/core/clock.js';
import { FileStore } from '../../../src/core/files/file-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/amer/a1b2c3d4-e5f6-7890-abcd-ef1234567890/';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const PDF = Buffer.from('%PDF-1.7 a small report');

let kv: KeyValueStore;

beforeEach(async () => {
  kv = await openStore('sqlite://:memory:');
});

afterEach(async () => {
  nock.cleanAll();
  await kv.close();
});

/** Files of up to 1 KB; off without a public URL. */
function fileStore(publicUrl: string | undefined): FileStore {
  return new FileStore({
    dir: join(tempDir(), 'files'),
    kv,
    clock: systemClock,
    publicUrl,
    maxBytes: 1024,
    ttlMs: 60_000,
  });
}

const download = (url: string, name: string): ReplyFile => ({
  attachment: { kind: 'file', url, name, platformFileId: 'teams-unique-id' },
  via: 'download-url',
});
const pasted = (url: string, name?: string): ReplyFile => ({
  attachment: { kind: 'image', url, ...(name ? { name } : {}) },
  via: 'bot-connector',
});

describe('isTeamsFileUrl', () => {
  it.each([
    ['https://contoso.sharepoint.com/sites/Support/_layouts/15/download.aspx?UniqueId=1', true],
    ['https://contoso-my.sharepoint.com/personal/a/download.aspx', true],
    ['https://agency.sharepoint.us/download.aspx', true],
    ['https://onedrive.live.com/download?cid=1', false],
    ['https://api.onedrive.com/v1.0/shares/x/root/content', true],
    ['https://public.ch.files.1drv.com/y4m', true],
    ['https://teams.microsoft.com/l/file/1', true],
    ['http://contoso.sharepoint.com/download.aspx', false],
    ['https://contoso.sharepoint.com:8443/download.aspx', false],
    ['https://user:pw@contoso.sharepoint.com/download.aspx', false],
    ['https://sharepoint.com.attacker.example/download.aspx', false],
    ['https://attackersharepoint.com/download.aspx', false],
    ['https://127.0.0.1/download.aspx', false],
    ['https://10.0.0.5/download.aspx', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isTeamsFileUrl(new URL(url))).toBe(allowed);
  });
});

describe('isConnectorUrl', () => {
  it.each([
    [`${SERVICE_URL}v3/attachments/0-eus-1/views/original`, SERVICE_URL, true],
    ['https://smba.trafficmanager.net/emea/v3/attachments/1/views/original', SERVICE_URL, true],
    ['https://europe.smba.botframework.com/v3/attachments/1', SERVICE_URL, true],
    [
      'https://smba.infra.gcc.teams.microsoft.com/v3/attachments/1',
      'https://smba.infra.gcc.teams.microsoft.com/gcc/',
      true,
    ],
    ['https://attacker.trafficmanager.net/v3/attachments/1', SERVICE_URL, false],
    ['http://smba.trafficmanager.net/amer/v3/attachments/1', SERVICE_URL, false],
    ['https://smba.trafficmanager.net:444/amer/v3/attachments/1', SERVICE_URL, false],
    ['https://contoso.sharepoint.com/download.aspx', SERVICE_URL, false],
    ['http://127.0.0.1:3978/v3/attachments/1', SERVICE_URL, false],
  ])('%s (serviceUrl %s) -> %s', (url, serviceUrl, allowed) => {
    expect(isConnectorUrl(new URL(url), serviceUrl, false)).toBe(allowed);
  });

  it('in emulator mode only the loopback serviceUrl’s own origin', () => {
    const service = 'http://127.0.0.1:3978/';
    expect(isConnectorUrl(new URL('http://127.0.0.1:3978/v3/attachments/1'), service, true)).toBe(true);
    expect(isConnectorUrl(new URL('http://127.0.0.1:3979/v3/attachments/1'), service, true)).toBe(false);
    expect(isConnectorUrl(new URL('http://localhost:3978/v3/attachments/1'), service, true)).toBe(false);
    expect(isConnectorUrl(new URL(`${SERVICE_URL}v3/attachments/1`), SERVICE_URL, true)).toBe(false);
    const remote = 'http://192.168.1.5:3978/';
    expect(isConnectorUrl(new URL('http://192.168.1.5:3978/v3/attachments/1'), remote, true)).toBe(false);
  });
});

describe('relayTeamsFiles (with an app id)', () => {
  it('a file is fetched without a token, a pasted image with the bot’s, asked once', async () => {
    const sharepoint = nock('https://contoso.sharepoint.com', { badheaders: ['authorization'] })
      .get('/sites/Support/_layouts/15/download.aspx')
      .query({ UniqueId: 'u-1', tempauth: 'abc' })
      .reply(200, PDF, { 'content-type': 'application/pdf' });
    const connector = nock('https://smba.trafficmanager.net', {
      reqheaders: { authorization: 'Bearer bot-token' },
    })
      .get('/amer/v3/attachments/0-img-1/views/original')
      .reply(200, PNG, { 'content-type': 'image/png' })
      .get('/amer/v3/attachments/0-img-2/views/original')
      .reply(200, PNG, { 'content-type': 'image/png; charset=binary' });
    let tokens = 0;
    const store = fileStore('https://bot.example');

    const { attachments, problems } = await relayTeamsFiles(
      [
        download(
          'https://contoso.sharepoint.com/sites/Support/_layouts/15/download.aspx?UniqueId=u-1&tempauth=abc',
          'report.pdf',
        ),
        pasted('https://smba.trafficmanager.net/amer/v3/attachments/0-img-1/views/original'),
        pasted('https://smba.trafficmanager.net/amer/v3/attachments/0-img-2/views/original', 'map.png'),
      ],
      {
        serviceUrl: SERVICE_URL,
        emulator: false,
        connectorToken: async () => {
          tokens++;
          return 'bot-token';
        },
      },
      store,
    );

    expect(problems).toEqual([]);
    expect(sharepoint.isDone()).toBe(true);
    expect(connector.isDone()).toBe(true);
    expect(tokens).toBe(1);
    expect(attachments).toEqual([
      {
        kind: 'file',
        name: 'report.pdf',
        mime: 'application/pdf',
        size: PDF.length,
        url: expect.stringMatching(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{22}\/report\.pdf$/),
      },
      {
        kind: 'image',
        // Teams sends pasted images without a name.
        name: 'image.png',
        mime: 'image/png',
        size: PNG.length,
        url: expect.stringMatching(/\/image\.png$/),
      },
      expect.objectContaining({ name: 'map.png', mime: 'image/png' }),
    ]);
    const id = new URL(attachments[0]?.url ?? '').pathname.split('/')[2] ?? '';
    expect((await store.read(id))?.data).toEqual(PDF);
  });

  it('a redirect, a refusal and a file over the limit are problems, each named', async () => {
    nock('https://contoso.sharepoint.com')
      .get('/moved.pdf')
      .reply(302, '', { location: 'http://169.254.169.254/latest/meta-data/' })
      .get('/gone.pdf')
      .reply(403, 'expired')
      .get('/big.pdf')
      .reply(200, Buffer.alloc(2048), { 'content-type': 'application/pdf' });
    const metadata = nock('http://169.254.169.254').get(/.*/).reply(200, 'secret');

    const { attachments, problems } = await relayTeamsFiles(
      [
        download('https://contoso.sharepoint.com/moved.pdf', 'moved.pdf'),
        download('https://contoso.sharepoint.com/gone.pdf', 'gone.pdf'),
        download('https://contoso.sharepoint.com/big.pdf', 'big.pdf'),
      ],
      { serviceUrl: SERVICE_URL, emulator: false, connectorToken: async () => 'bot-token' },
      fileStore('https://bot.example'),
    );

    expect(attachments).toEqual([]);
    expect(problems).toEqual([
      'moved.pdf: contoso.sharepoint.com redirected (HTTP 302); redirects are not followed',
      'gone.pdf: contoso.sharepoint.com answered HTTP 403',
      'big.pdf: larger than 1 KB',
    ]);
    expect(metadata.isDone()).toBe(false);
  });

  it('without PUBLIC_URL nothing is fetched and no token is asked for', async () => {
    let tokens = 0;
    const { attachments, problems } = await relayTeamsFiles(
      [pasted('https://smba.trafficmanager.net/amer/v3/attachments/1/views/original', 'a.png')],
      {
        serviceUrl: SERVICE_URL,
        emulator: false,
        connectorToken: async () => {
          tokens++;
          return 'bot-token';
        },
      },
      fileStore(undefined),
    );
    expect(attachments).toEqual([]);
    expect(problems).toEqual(["a.png: set PUBLIC_URL so customers' apps can fetch files from Switchboard"]);
    expect(tokens).toBe(0);
  });
});
