/**
 * Downloads a file a platform links to (an agent's Slack or Teams attachment) without letting
 * the link reach anything else: the host name is resolved once, the address is refused when it is
 * private, loopback, link-local or otherwise not on the public internet, and the connection goes
 * to exactly that address (no second lookup an attacker's DNS could answer differently). Redirects
 * are not followed, so a token sent to the platform's host never goes anywhere else, and the body
 * is refused as soon as it grows past the limit.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export class DownloadProblem extends Error {}

export interface GuardedDownloadOptions {
  headers?: Record<string, string>;
  maxBytes: number;
  timeoutMs: number;
  /** Only for a local test stand-in (the Bot Framework Emulator on this machine). */
  allowPrivate?: boolean;
}

/** Addresses a download must never reach (RFC 6890 special-purpose ranges and friends). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return isPublicAddress(mapped);
    return !NOT_PUBLIC.check(address, 'ipv6');
  }
  return !NOT_PUBLIC.check(address, 'ipv4');
}

/** A DNS lookup that only ever hands the socket a public address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const allowed = addresses.filter((entry) => isPublicAddress(entry.address));
    if (allowed.length === 0) {
      return callback(new DownloadProblem(`${hostname} is not on the public internet`), '', 4);
    }
    if (options.all) return callback(null, allowed as never, 4);
    const first = allowed[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
};

export async function guardedDownload(
  url: URL,
  options: GuardedDownloadOptions,
): Promise<{ data: Buffer; mime?: string }> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(literal) !== 0 && !isPublicAddress(literal)) {
    throw new DownloadProblem(`${url.host} is not on the public internet`);
  }
  const request =
    url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) throw new DownloadProblem(`${url.protocol} links are not fetched`);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request(
      url,
      {
        headers: options.headers ?? {},
        timeout: options.timeoutMs,
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      resolve,
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new DownloadProblem(`${url.host} did not answer within ${options.timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    throw new DownloadProblem(
      status >= 300 && status < 400
        ? `${url.host} redirected (HTTP ${status}); redirects are not followed`
        : `${url.host} answered HTTP ${status}`,
    );
  }
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  if (declared > options.maxBytes) {
    response.destroy();
    throw new DownloadProblem(tooLarge(options.maxBytes));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > options.maxBytes) {
      response.destroy();
      throw new DownloadProblem(tooLarge(options.maxBytes));
    }
    chunks.push(chunk);
  }
  const type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const mime = type && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : undefined;
  return { data: Buffer.concat(chunks, total), ...(mime ? { mime } : {}) };
}

export function tooLarge(maxBytes: number): string {
  const mb = maxBytes / 1048576;
  return mb >= 1 ? `larger than ${Math.round(mb)} MB` : `larger than ${Math.ceil(maxBytes / 1024)} KB`;
}
