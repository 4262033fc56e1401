/**
 * The agent desk's messages in Teams: the conversation's Adaptive Card, posts into its thread, and
 * short notices to agents. Pure: no SDK, no I/O.
 *
 * What customers wrote is untrusted: on the card it goes in RichTextBlock TextRuns, which Teams
 * shows as written (a TextBlock would render its markdown, so a customer could put a link on an
 * agent's screen); in thread posts it is markdown-escaped (render.ts).
 */
import type { Agent, DeskCard, DeskPost } from '../../core/desk/agent-desk.js';
import {
  ADAPTIVE_CARD,
  type AdaptiveCard,
  type CardAction,
  escapeMarkdown,
  renderOutbound,
  type TeamsActivityOut,
} from './render.js';

/** What our desk card buttons put in Action.Submit `data`; Teams echoes it in `activity.value`. */
export const DESK_ACTION_FIELD = 'desk';
export const DESK_ACTIONS = ['claim', 'close', 'hand-back', 'send-suggestion'] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

// A card must stay well under Teams' ~28 KB message limit (render.ts MAX_ACTIVITY_BYTES): six
// messages of 500 characters and five suggestions of 300 are at most ~20 KB even in CJK.
const MESSAGE_CHARS = 500;
const ANSWER_CHARS = 300;
const MAX_SUGGESTIONS = 5;

const ROLE_LABELS: Record<DeskCard['lastMessages'][number]['role'], string> = {
  customer: 'Customer',
  bot: 'Bot',
  agent: 'Agent',
  system: 'System',
};

export function renderDeskCard(card: DeskCard): TeamsActivityOut {
  const open = card.status === 'waiting' || card.status === 'agent';
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: `Ticket ${card.ticket || '—'}${card.priority === 'normal' ? '' : ` · ${card.priority.toUpperCase()}`}`,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      ...(card.priority === 'urgent' ? { color: 'Attention' } : {}),
    },
    richLine(undefined, statusLine(card)),
    richLine('Customer', card.customer.name ?? 'unknown'),
    richLine('Channel', card.customer.channel),
    richLine('Tier', card.customer.tier === 'vip' ? 'VIP' : card.customer.tier),
    richLine('Language', card.customer.locale),
    richLine('Why', card.reason || '—'),
  ];
  if (card.lastMessages.length > 0) {
    body.push(heading('Last messages'));
    for (const message of card.lastMessages)
      body.push(richLine(ROLE_LABELS[message.role], clip(message.text || '(attachment)', MESSAGE_CHARS)));
  }
  if (card.history.length > 0) {
    body.push(heading('Earlier conversations'));
    for (const earlier of card.history) {
      const parts = [earlier.ticket, earlier.channel, earlier.openedAt.slice(0, 10), earlier.status];
      body.push(richLine(undefined, parts.filter(Boolean).join(' · ')));
    }
  }
  if (card.lookups) {
    body.push(heading('Looked up'));
    for (const lookup of card.lookups) {
      body.push(richLine(`${lookup.entryId} via ${lookup.backend}`, `${lookup.values} → ${lookup.outcome}`));
    }
  }
  const suggestions = open ? card.suggestions.slice(0, MAX_SUGGESTIONS) : [];
  if (suggestions.length > 0) {
    body.push(heading('Suggested answers'));
    for (const suggestion of suggestions) {
      body.push({
        type: 'Container',
        separator: true,
        items: [
          richLine(suggestion.label, `${Math.round(suggestion.confidence * 100)}%`),
          richLine(undefined, clip(suggestion.answer, ANSWER_CHARS)),
          {
            type: 'ActionSet',
            actions: [
              submit('Send', { [DESK_ACTION_FIELD]: 'send-suggestion', entryId: suggestion.entryId }),
            ],
          },
        ],
      });
    }
  }
  const actions: CardAction[] = [];
  if (open && !card.assignee) actions.push(submit('Claim', { [DESK_ACTION_FIELD]: 'claim' }, 'positive'));
  if (open) {
    actions.push(submit('Close', { [DESK_ACTION_FIELD]: 'close' }, 'destructive'));
    actions.push(submit('Hand back to bot', { [DESK_ACTION_FIELD]: 'hand-back' }));
  }
  return {
    type: 'message',
    // The notification text (activity feed, mobile push) where the card cannot be shown.
    text: escapeMarkdown(`Ticket ${card.ticket || '—'}: ${statusLine(card)}`),
    textFormat: 'markdown',
    attachments: [{ contentType: ADAPTIVE_CARD, content: adaptiveCard(body, actions) }],
  };
}

function statusLine(card: DeskCard): string {
  switch (card.status) {
    case 'waiting':
      return card.queuePosition !== undefined
        ? `Waiting for an agent · #${card.queuePosition} in the queue`
        : 'Waiting for an agent';
    case 'agent':
      return `Claimed by ${agentName(card.assignee)}`;
    case 'closed':
      return card.assignee ? `Closed by ${agentName(card.assignee)}` : 'Closed';
    case 'bot':
      return 'Handed back to the bot';
  }
}

/** A post into the conversation's thread: what the customer wrote meanwhile, or a note from the system. */
export function renderDeskPost(post: DeskPost): TeamsActivityOut[] {
  const label = post.kind === 'customer' ? 'Customer: ' : post.kind === 'bot' ? 'Bot: ' : '';
  const text = post.text.trim() === '' && post.attachments.length > 0 ? '' : `${label}${post.text}`;
  return renderOutbound({ text, attachments: post.attachments, quickReplies: [] });
}

/** A short message to agents in a thread, @mentioning `to` (its Teams user id) when given. */
export function renderNotice(text: string, to?: { id: string; name?: string }): TeamsActivityOut {
  if (!to) return { type: 'message', text: escapeMarkdown(text), textFormat: 'markdown' };
  const name = mentionName(to.name);
  const mention = `<at>${name}</at>`;
  return {
    type: 'message',
    text: `${mention} ${escapeMarkdown(text)}`,
    textFormat: 'markdown',
    entities: [{ type: 'mention', text: mention, mentioned: { id: to.id, name } }],
  };
}

/**
 * A new top-level post in the agents' channel raising an unclaimed conversation: the ticket at a
 * glance and a link to its thread. No Claim button here: a press would arrive from this post's own
 * thread, which is no conversation's.
 */
export function renderEscalation(card: DeskCard, text: string, threadUrl: string): TeamsActivityOut {
  const body = [
    { type: 'TextBlock', text: `Ticket ${card.ticket || '—'}`, weight: 'Bolder', size: 'Medium', wrap: true },
    richLine(undefined, text),
    richLine(undefined, statusLine(card)),
    richLine(
      'Customer',
      `${card.customer.name ?? 'unknown'} (${card.customer.channel}, ${card.customer.tier})`,
    ),
    richLine('Why', card.reason || '—'),
  ];
  const open: CardAction = { type: 'Action.OpenUrl', title: 'Open the thread', url: threadUrl };
  return {
    type: 'message',
    text: escapeMarkdown(text),
    textFormat: 'markdown',
    attachments: [{ contentType: ADAPTIVE_CARD, content: adaptiveCard(body, [open]) }],
  };
}

export const deskNotices = {
  closed: 'This conversation is closed; your message was not sent to the customer.',
  alreadyClosed: 'This conversation is already closed.',
  suggestionSent: (name: string | undefined, entryId: string) =>
    `${name ?? 'An agent'} sent the suggested answer "${entryId}" to the customer.`,
  taken: (owner: Agent) => `${agentName(owner)} has already claimed this conversation.`,
  gone: 'This card is no longer linked to a conversation.',
  noSuchSuggestion: 'That suggested answer is no longer in the knowledge base; nothing was sent.',
  connected:
    'Switchboard’s agent desk is connected to this channel: handed-off conversations will appear here, one thread each.',
  filesNotSent: (problems: string[]) => `⚠️ Not passed on to the customer: ${problems.join('; ')}`,
};

function agentName(agent: Agent | undefined): string {
  return agent?.name ?? agent?.id ?? 'an agent';
}

/** `<at>` text may not contain markup; Teams shows it as the person's name. */
function mentionName(name: string | undefined): string {
  const clean = (name ?? '').replace(/[<>&]/g, '').trim();
  return clean === '' ? 'agent' : clean;
}

function heading(text: string) {
  return { type: 'TextBlock', text, weight: 'Bolder', spacing: 'Medium', wrap: true };
}

/** One line of untrusted text, optionally led by a bold label. */
function richLine(label: string | undefined, text: string) {
  return {
    type: 'RichTextBlock',
    inlines: [
      ...(label ? [{ type: 'TextRun', text: `${label}: `, weight: 'Bolder' }] : []),
      { type: 'TextRun', text },
    ],
  };
}

function submit(title: string, data: Record<string, string>, style?: 'positive' | 'destructive'): CardAction {
  return { type: 'Action.Submit', title, data, ...(style ? { style } : {}) };
}

function adaptiveCard(body: unknown[], actions: CardAction[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    // 1.4: the newest version every Teams client renders (render.ts).
    version: '1.4',
    body,
    actions,
    msteams: { width: 'Full' },
  };
}

/** At most `max` characters, never cutting a surrogate pair. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
