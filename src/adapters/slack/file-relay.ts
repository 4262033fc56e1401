/**
 * Files an agent attaches in Slack are private to the workspace: the customer's app cannot open a
 * `url_private` link. They are fetched with the bot token — only from Slack's own hosts, never
 * following a redirect elsewhere — and handed on through the FileStore's public link.
 */

import type { FileStore } from '../../core/files/file-store.js';
import type { Attachment } from '../../core/model.js';
import { guardedDownload, tooLarge } from '../../core/net/guarded-download.js';
import { isSlackFileUrl } from './parse.js';

const DOWNLOAD_TIMEOUT_MS = 15_000;

export interface RelayResult {
  attachments: Attachment[];
  /** Files that could not be handed on, with why, for a notice to the agent. */
  problems: string[];
}

export async function relaySlackFiles(
  attachments: Attachment[],
  token: string,
  files: FileStore,
): Promise<RelayResult> {
  const relayed: Attachment[] = [];
  const problems: string[] = [];
  for (const attachment of attachments) {
    const label = attachment.name ?? attachment.kind;
    if (!attachment.url || !isSlackFileUrl(attachment.url)) {
      problems.push(`${label}: Slack gave no file link`);
      continue;
    }
    if (!files.enabled) {
      problems.push(`${label}: set PUBLIC_URL so customers' apps can fetch files from Switchboard`);
      continue;
    }
    if (attachment.size !== undefined && attachment.size > files.maxBytes) {
      problems.push(`${label}: ${tooLarge(files.maxBytes)}`);
      continue;
    }
    try {
      const { data } = await guardedDownload(new URL(attachment.url), {
        headers: { authorization: `Bearer ${token}` },
        maxBytes: files.maxBytes,
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
      });
      const { url, file } = await files.save(data, {
        ...(attachment.name ? { name: attachment.name } : {}),
        ...(attachment.mime ? { mime: attachment.mime } : {}),
      });
      // Slack's file id means nothing on the customer's platform (Telegram would take it for its own).
      const { platformFileId: _slackId, ...rest } = attachment;
      relayed.push({ ...rest, url, size: file.size });
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message}`);
    }
  }
  return { attachments: relayed, problems };
}
