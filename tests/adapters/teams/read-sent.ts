/** Reads a posted Teams activity back the way the customer sees it (for the contract suite). */
import type { CapturedSend } from '../channel-contract.js';

/** Undoes render.ts's markdown escaping. */
export function readMarkdown(text: string): string {
  return text.replace(/\\([\\`*_~[\]<>#+\-.])/g, '$1');
}

interface CardAction {
  type?: string;
  title?: string;
}

export function readSent(activity: Record<string, unknown>): CapturedSend {
  const attachments = (activity.attachments ?? []) as {
    contentType?: string;
    content?: { actions?: CardAction[] };
  }[];
  const actions = attachments.flatMap((a) =>
    a.contentType === 'application/vnd.microsoft.card.adaptive' ? (a.content?.actions ?? []) : [],
  );
  return {
    text: readMarkdown(typeof activity.text === 'string' ? activity.text : ''),
    buttons: actions.filter((a) => a.type === 'Action.Submit').map((a) => a.title ?? ''),
    attachments:
      attachments.filter((a) => a.contentType !== 'application/vnd.microsoft.card.adaptive').length +
      actions.filter((a) => a.type === 'Action.OpenUrl').length,
  };
}
