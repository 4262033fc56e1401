/**
 * Files an agent attaches to a reply in Teams stay Teams': a pasted image sits on the Bot Connector
 * behind the bot's token, a file's `downloadUrl` is a short-lived SharePoint / OneDrive link. The
 * customer's app can open neither, so each is fetched here — only from the hosts Teams uses for
 * that kind of file, never following a redirect elsewhere — and handed on through the FileStore's
 * public link (like the Slack desk's file-relay.ts).
 *
 *   download-url   GET content.downloadUrl, no token (the link carries its own authorisation);
 *                  https on a Microsoft / SharePoint / OneDrive host only
 *   bot-connector  GET contentUrl with the bot's Bot Connector token; only on the reply's
 *                  serviceUrl host or Bot Framework's own hosts, so the token goes nowhere else
 */
import type { FileStore } from '../../core/files/file-store.js';
import type { Attachment } from '../../core/model.js';
import { DownloadProblem, guardedDownload, tooLarge } from '../../core/net/guarded-download.js';
import type { ReplyFile } from './desk-parse.js';
import { isLoopbackUrl } from './parse.js';

/** A download that takes longer has failed; the agent is told, the text still goes. */
const DOWNLOAD_TIMEOUT_MS = 15_000;

/**
 * Where Teams keeps files shared in a channel: the team's SharePoint site (sharepoint.com, and
 * sharepoint.us in the US government clouds), OneDrive, and Microsoft's own hosts.
 */
const FILE_HOST_DOMAINS = [
  'sharepoint.com',
  'sharepoint.us',
  'microsoft.com',
  'office.com',
  'office365.com',
  '1drv.com',
  'onedrive.com',
];

/**
 * Bot Framework's hosts besides the reply's serviceUrl. Only Microsoft's Teams Bot Connector on
 * trafficmanager.net, not the whole domain: anyone can name an Azure Traffic Manager profile
 * `<anything>.trafficmanager.net`, and the bot's token lets its holder post as the bot.
 */
const CONNECTOR_HOSTS = ['smba.trafficmanager.net'];
const CONNECTOR_DOMAINS = ['botframework.com'];

export interface RelayResult {
  attachments: Attachment[];
  /** Files that could not be handed on, with why, for a notice to the agent. */
  problems: string[];
}

export interface TeamsFileSource {
  /** The reply's serviceUrl (authenticated with the activity): pasted images are on its host. */
  serviceUrl: string;
  /** Emulator mode (no app id): no token is sent, and only a loopback serviceUrl's host is fetched from. */
  emulator: boolean;
  /** The bot's Bot Connector token, the one its outbound calls carry; asked only when an image needs it. */
  connectorToken: () => Promise<string | undefined>;
}

export async function relayTeamsFiles(
  files: ReplyFile[],
  source: TeamsFileSource,
  store: FileStore,
): Promise<RelayResult> {
  let token: Promise<string | undefined> | undefined;
  const withToken: TeamsFileSource = { ...source, connectorToken: () => (token ??= source.connectorToken()) };
  // Side by side: the files of one reply together should not outlast Teams' 15 s re-delivery.
  const outcomes = await Promise.all(files.map((file) => relayOne(file, withToken, store)));
  return {
    attachments: outcomes.flatMap((outcome) => ('attachment' in outcome ? [outcome.attachment] : [])),
    problems: outcomes.flatMap((outcome) => ('problem' in outcome ? [outcome.problem] : [])),
  };
}

async function relayOne(
  { attachment, via }: ReplyFile,
  source: TeamsFileSource,
  store: FileStore,
): Promise<{ attachment: Attachment } | { problem: string }> {
  const label = attachment.name ?? attachment.kind;
  const url = parseUrl(attachment.url);
  if (!url) return { problem: `${label}: Teams gave no link to the file` };
  if (!store.enabled) {
    return { problem: `${label}: set PUBLIC_URL so customers' apps can fetch files from Switchboard` };
  }
  const allowed =
    via === 'download-url' ? isTeamsFileUrl(url) : isConnectorUrl(url, source.serviceUrl, source.emulator);
  if (!allowed) return { problem: `${label}: Switchboard does not fetch files from ${url.host}` };
  if (attachment.size !== undefined && attachment.size > store.maxBytes) {
    return { problem: `${label}: ${tooLarge(store.maxBytes)}` };
  }
  try {
    const token = via === 'bot-connector' && !source.emulator ? await source.connectorToken() : undefined;
    const { data, mime } = await guardedDownload(url, {
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      maxBytes: store.maxBytes,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
      // The emulator serves files from this machine; everywhere else only public hosts.
      allowPrivate: source.emulator,
    });
    const type = attachment.mime ?? mime;
    const name = attachment.name ?? defaultName(type);
    const { url: publicUrl, file } = await store.save(data, {
      ...(name ? { name } : {}),
      ...(type ? { mime: type } : {}),
    });
    // A Teams file id means nothing to another platform (Telegram would take it for one of its own).
    const { platformFileId: _teamsId, ...rest } = attachment;
    return {
      attachment: {
        ...rest,
        url: publicUrl,
        size: file.size,
        name: file.name,
        ...(type ? { mime: type } : {}),
      },
    };
  } catch (error) {
    return { problem: `${label}: ${describe(error)}` };
  }
}

/** A file link from Teams: https on a Microsoft / SharePoint / OneDrive host, default port. */
export function isTeamsFileUrl(url: URL): boolean {
  return (
    url.protocol === 'https:' &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    FILE_HOST_DOMAINS.some((domain) => url.hostname.endsWith(`.${domain}`))
  );
}

/**
 * A link the bot's token may be sent to: the reply's serviceUrl host or Bot Framework's own. In
 * emulator mode only the (loopback) serviceUrl's own origin, as inbound activities are (index.ts).
 */
export function isConnectorUrl(url: URL, serviceUrl: string, emulator: boolean): boolean {
  const service = parseUrl(serviceUrl);
  if (!service || url.username !== '' || url.password !== '') return false;
  if (emulator) return isLoopbackUrl(serviceUrl) && url.origin === service.origin;
  if (url.protocol !== 'https:' || url.port !== '') return false;
  const host = url.hostname;
  return (
    (service.protocol === 'https:' && service.port === '' && host === service.hostname) ||
    CONNECTOR_HOSTS.includes(host) ||
    CONNECTOR_DOMAINS.some((domain) => host.endsWith(`.${domain}`))
  );
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Teams sends pasted images without a name; one with an extension opens in the customer's app. */
function defaultName(mime: string | undefined): string | undefined {
  const extension = mime ? IMAGE_EXTENSIONS[mime] : undefined;
  return extension ? `image.${extension}` : undefined;
}

function describe(error: unknown): string {
  if (error instanceof DownloadProblem) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return `the download failed${code ? ` (${code})` : ''}`;
}
