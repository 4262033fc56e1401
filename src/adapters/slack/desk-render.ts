/**
 * The agent desk's Slack content: the conversation card (Block Kit), posts in its thread, the
 * escalation and the notices agents get. Pure.
 *
 * Everything that comes from a customer or the knowledge base (names, messages, reasons, answers)
 * is escaped with escapeMrkdwn, so it can never become `@channel`, a mention or a disguised link
 * in the agents' channel; only the mentions built here (`<@U…>`, `<!here>`) are live.
 */
import type { Agent, DeskCard, DeskPost } from '../../core/desk/agent-desk.js';
import type { Attachment, ConversationStatus, Priority } from '../../core/model.js';
import { DESK_ACTIONS } from './desk-parse.js';
import {
  type ButtonElement,
  escapeMrkdwn,
  MAX_SECTION_LENGTH,
  MAX_TEXT_LENGTH,
  renderAttachment,
  splitEscaped,
  truncate,
} from './render.js';

/** Block Kit limits (docs.slack.dev/reference/block-kit/blocks): header text 150, a field 2,000. */
const MAX_HEADER = 150;
const MAX_FIELD = 2_000;
/** A card stays readable at a glance: a line per message, a few suggestions with a snippet each. */
const MAX_MESSAGE_ON_CARD = 300;
const MAX_SUGGESTIONS = 5;
const MAX_ANSWER_SNIPPET = 280;

type Mrkdwn = { type: 'mrkdwn'; text: string };
type PlainText = { type: 'plain_text'; text: string; emoji: boolean };

interface DeskButton extends ButtonElement {
  style?: 'primary' | 'danger';
  confirm?: { title: PlainText; text: PlainText; confirm: PlainText; deny: PlainText };
}

export type DeskBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[]; accessory?: DeskButton }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: DeskButton[] };

/** One chat.postMessage / chat.update call's content (channel and thread come from the desk). */
export interface DeskMessage {
  /** Notifications, search and screen readers use it; mrkdwn, escaped like the blocks. */
  text: string;
  blocks?: DeskBlock[];
}

const PRIORITY_BADGE: Record<Priority, string> = {
  urgent: '🔴 urgent',
  high: '🟠 high',
  normal: '⚪ normal',
};
const ROLE_LABEL = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' } as const;

/** The conversation's card: the thread root, updated in place as it is claimed, handed back or closed. */
export function renderCard(card: DeskCard): DeskMessage {
  const open = card.status === 'waiting' || card.status === 'agent';
  const blocks: DeskBlock[] = [
    {
      type: 'header',
      text: plain(truncate(`Ticket ${card.ticket || '—'} · ${PRIORITY_BADGE[card.priority]}`, MAX_HEADER)),
    },
    {
      type: 'section',
      fields: [
        field('Customer', card.customer.name ? escapeMrkdwn(card.customer.name) : '_unknown_'),
        field('Channel', escapeMrkdwn(card.customer.channel)),
        field('Tier', card.customer.tier === 'vip' ? '⭐ VIP' : 'standard'),
        field('Language', escapeMrkdwn(card.customer.locale)),
      ],
    },
    section(statusLine(card)),
  ];
  if (card.reason) blocks.push(section(`*Why it was handed off:* ${escapeMrkdwn(card.reason)}`));
  const transcript = lastMessages(card);
  if (transcript) blocks.push(section(transcript));
  blocks.push({ type: 'context', elements: [mrkdwn(history(card))] });
  if (card.lookups) blocks.push({ type: 'context', elements: [mrkdwn(lookups(card.lookups))] });
  if (open && card.suggestions.length > 0) blocks.push(...suggestions(card));
  const actions = buttons(card);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: 'switchboard_desk', elements: actions });
  return { text: cardText(card), blocks };
}

/** A post in the conversation's thread: the customer's messages mirrored, the bot's and the system's notes. */
export function renderPost(post: DeskPost): DeskMessage[] {
  const lead = post.kind === 'customer' ? '*Customer:* ' : post.kind === 'bot' ? '*Bot:* ' : 'ℹ️ ';
  const body = [escapeMrkdwn(post.text), ...post.attachments.map(renderDeskAttachment)]
    .filter((part) => part !== '')
    .join('\n');
  return splitEscaped(`${lead}${body}`, MAX_TEXT_LENGTH).map((text) => ({ text }));
}

/** An unclaimed conversation raised beyond its thread: a top-level post pinging everyone present. */
export function renderEscalation(card: DeskCard, text: string, threadLink: string | undefined): DeskMessage {
  const who = card.customer.name ? escapeMrkdwn(card.customer.name) : 'a customer';
  const lines = [
    `<!here> ${escapeMrkdwn(text)}`,
    `*${escapeMrkdwn(card.ticket || '—')}* · ${PRIORITY_BADGE[card.priority]} · ${who} on ${escapeMrkdwn(card.customer.channel)}${card.customer.tier === 'vip' ? ' · ⭐ VIP' : ''}`,
    ...(card.reason ? [`Why: ${escapeMrkdwn(card.reason)}`] : []),
    threadLink ? `<${escapeMrkdwn(threadLink).replace(/\|/g, '%7C')}|Open the thread and claim it>` : '',
  ];
  return { text: lines.filter((line) => line !== '').join('\n') };
}

/** What an agent is told when their action was refused or went nowhere. */
export const deskNotices = {
  /** A reply in the thread of a closed conversation: not relayed into the void. */
  closed: 'This conversation is closed; your message was not sent.',
  closedAction: 'This conversation is already closed.',
  taken: (owner: Agent) => `Already claimed by ${mention(owner)}.`,
  unknownSuggestion: 'That suggestion is no longer in the knowledge base; nothing was sent.',
  unknownConversation: 'This card’s conversation could not be found; nothing was done.',
  /** Problems are escaped by the caller. */
  filesNotSent: (problems: string[]) => `⚠️ Not passed on to the customer: ${problems.join('; ')}`,
};

/** Slack user ids start with U or W; anything else is shown as a name, never as markup. */
export function mention(agent: Agent): string {
  return /^[UW][A-Z0-9]{2,}$/.test(agent.id) ? `<@${agent.id}>` : escapeMrkdwn(agent.name ?? agent.id);
}

function statusLine(card: DeskCard): string {
  const lines: Record<ConversationStatus, string> = {
    waiting: `⏳ *Waiting for an agent*${card.queuePosition ? ` · #${card.queuePosition} in the queue` : ''}`,
    agent: `🙋 *Claimed by* ${card.assignee ? mention(card.assignee) : 'an agent'}`,
    closed: `✅ *Closed*${card.assignee ? ` · handled by ${mention(card.assignee)}` : ''}`,
    bot: '🤖 *Handed back to the bot* · a new card opens if the customer asks for a person again',
  };
  return lines[card.status];
}

function cardText(card: DeskCard): string {
  const who = card.customer.name ? escapeMrkdwn(card.customer.name) : 'A customer';
  const reason = card.reason ? `: ${escapeMrkdwn(card.reason)}` : '';
  return truncate(
    `Ticket ${escapeMrkdwn(card.ticket || '—')} (${card.priority}) · ${who} on ${escapeMrkdwn(card.customer.channel)}${reason}`,
    MAX_SECTION_LENGTH,
  );
}

/** Newest messages win when the section is full: they say most about why the customer is here. */
function lastMessages(card: DeskCard): string | undefined {
  const lines = card.lastMessages.map(
    (message) =>
      `*${ROLE_LABEL[message.role]}:* ${escapeMrkdwn(truncate(message.text.replace(/\s+/g, ' ').trim(), MAX_MESSAGE_ON_CARD))}`,
  );
  const title = '*Last messages*';
  const kept: string[] = [];
  let length = title.length;
  for (const line of lines.reverse()) {
    if (length + line.length + 1 > MAX_SECTION_LENGTH) break;
    kept.unshift(line);
    length += line.length + 1;
  }
  return kept.length > 0 ? [title, ...kept].join('\n') : undefined;
}

function history(card: DeskCard): string {
  if (card.history.length === 0) return 'First conversation with this customer.';
  const earlier = card.history.map((item) => {
    const ticket = item.ticket ? `${escapeMrkdwn(item.ticket)} · ` : '';
    return `${ticket}${escapeMrkdwn(item.channel)} · ${slackDate(item.openedAt)} · ${item.status}`;
  });
  return truncate(`*Earlier conversations:* ${earlier.join('  |  ')}`, MAX_FIELD);
}

function lookups(list: NonNullable<DeskCard['lookups']>): string {
  const lines = list.map(
    (lookup) =>
      `${escapeMrkdwn(lookup.entryId)} via ${escapeMrkdwn(lookup.backend)}: ${escapeMrkdwn(lookup.values)} → ${escapeMrkdwn(lookup.outcome)}`,
  );
  return truncate(`*Looked up:* ${lines.join('  |  ')}`, MAX_FIELD);
}

function suggestions(card: DeskCard): DeskBlock[] {
  const blocks: DeskBlock[] = [
    { type: 'divider' },
    section('*Suggested answers* (Send relays one to the customer as your reply)'),
  ];
  card.suggestions.slice(0, MAX_SUGGESTIONS).forEach((suggestion, index) => {
    const confidence = Math.round(suggestion.confidence * 100);
    const answer = escapeMrkdwn(truncate(suggestion.answer.replace(/\s+/g, ' ').trim(), MAX_ANSWER_SNIPPET));
    blocks.push({
      type: 'section',
      text: mrkdwn(
        truncate(`*${escapeMrkdwn(suggestion.label)}* · ${confidence}%\n${answer}`, MAX_SECTION_LENGTH),
      ),
      accessory: button('Send', `${DESK_ACTIONS.sendPrefix}${index}`, suggestion.entryId),
    });
  });
  return blocks;
}

function buttons(card: DeskCard): DeskButton[] {
  if (card.status !== 'waiting' && card.status !== 'agent') return [];
  const claim = { ...button('Claim', DESK_ACTIONS.claim, card.conversationId), style: 'primary' as const };
  const close: DeskButton = {
    ...button('Close', DESK_ACTIONS.close, card.conversationId),
    style: 'danger',
    confirm: {
      title: plain('Close this conversation?'),
      text: plain('The customer is told the conversation is closed; later replies here are not sent.'),
      confirm: plain('Close'),
      deny: plain('Cancel'),
    },
  };
  const handBack = button('Hand back to bot', DESK_ACTIONS.handBack, card.conversationId);
  return card.assignee ? [close, handBack] : [claim, close, handBack];
}

/** Files as links (http(s) only); a location as a map link. */
function renderDeskAttachment(attachment: Attachment): string {
  const { latitude, longitude } = attachment;
  if (attachment.kind === 'location' && typeof latitude === 'number' && typeof longitude === 'number') {
    return `📍 <https://www.openstreetmap.org/?mlat=${latitude}&amp;mlon=${longitude}|${latitude}, ${longitude}>`;
  }
  if (attachment.kind === 'contact' && attachment.phone) {
    return `👤 ${escapeMrkdwn([attachment.name, attachment.phone].filter(Boolean).join(' '))}`;
  }
  return renderAttachment(attachment);
}

/** Slack shows a date token in each reader's own time zone; the fallback is the UTC day. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short}|${new Date(ms).toISOString().slice(0, 10)}>`;
}

function button(label: string, actionId: string, value: string): DeskButton {
  return { type: 'button', text: plain(label), action_id: actionId, value };
}

function section(text: string): DeskBlock {
  return { type: 'section', text: mrkdwn(truncate(text, MAX_SECTION_LENGTH)) };
}

function field(title: string, value: string): Mrkdwn {
  return mrkdwn(truncate(`*${title}*\n${value}`, MAX_FIELD));
}

function mrkdwn(text: string): Mrkdwn {
  return { type: 'mrkdwn', text };
}

function plain(text: string): PlainText {
  return { type: 'plain_text', text, emoji: true };
}
