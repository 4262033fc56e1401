/**
 * "工单 A7K2 怎么样了": a customer asks, on any channel, where a ticket stands.
 *
 * Privacy: a ticket number is not a secret. Anyone can type someone else's (they are short, and
 * customers paste them into group chats), so the answer is only the ticket's state: waiting and
 * the place in the queue, with which agent, closed and when. Never message contents, the
 * customer's name or channel, the handoff reason or tags. Answering the owner with more would
 * need proof of who is asking, which a ticket number is not.
 */
import type { Conversation, Locale } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import { findTicket, normaliseTicket, TICKET_ALPHABET } from './tickets.js';
import type { WaitingQueue } from './waiting-queue.js';

export interface TicketMention {
  /** The ticket number as issued (upper case). */
  ticket: string;
  /**
   * True when the customer named it as a ticket (工单, "ticket", `#A7K2`); false for a bare token
   * ("A7K2?"), which could also be a product code: answer that one only when the ticket exists.
   */
  explicit: boolean;
}

/** The ticket the customer asks about, or undefined when the message is about something else. */
export function ticketMention(text: string): TicketMention | undefined {
  const tokens = ticketTokens(text);
  if (tokens.length === 0) return undefined;
  if (ZH_KEYWORD.test(text)) {
    // In Chinese text a Latin token next to 工单 is the number, whatever its case.
    const best = pick(tokens.filter((t) => !t.word));
    return best && { ticket: best.ticket, explicit: true };
  }
  const shouted = !/[a-z]/.test(text);
  // In English an upper-case word may be a ticket of letters only ("KQWE"), unless the whole
  // message is in capitals ("WHAT IS THE STATUS OF MY TICKET"), where only letters and digits
  // mixed are safe to take.
  const trusted = tokens.filter((t) => t.mixed || (t.upper && !t.word && !shouted));
  const hashed = trusted.find((t) => t.hashed);
  if (hashed) return { ticket: hashed.ticket, explicit: true };
  if (EN_KEYWORD.test(text)) {
    const best = pick(trusted);
    return best && { ticket: best.ticket, explicit: true };
  }
  // Bare: one token with letters and digits, and nothing else but status words and punctuation.
  const bare = tokens.filter((t) => t.mixed);
  const only = bare[0];
  if (bare.length !== 1 || !only) return undefined;
  const rest = text
    .replace(only.typed, ' ')
    .replace(EN_FILLER, ' ')
    .replace(ZH_FILLER, ' ')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
  return rest === '' ? { ticket: only.ticket, explicit: false } : undefined;
}

/** One line for the customer on where the ticket stands, in their language (see the privacy note above). */
export async function describeTicket(
  kv: KeyValueStore,
  conversations: ConversationStore,
  ticket: string,
  locale: Locale,
  options: {
    /** The desk's queue: with it, a waiting ticket's line says its place. */
    queue?: WaitingQueue;
    /** For the closing time; the company's business-hours zone. Default UTC (and the line says so). */
    timeZone?: string;
  } = {},
): Promise<string> {
  const shown = normaliseTicket(ticket) ?? ticket.trim();
  const conversationId = await findTicket(kv, ticket);
  const conversation = conversationId ? await conversations.getConversation(conversationId) : undefined;
  if (!conversation) return LINES.notFound(locale, shown);
  switch (conversation.status) {
    case 'waiting':
      return LINES.waiting(locale, shown, await options.queue?.position(conversation.id));
    case 'agent':
      return LINES.withAgent(locale, shown, conversation.assigneeName);
    case 'closed':
      return LINES.closed(locale, shown, closedAt(conversation, locale, options.timeZone));
    case 'bot':
      return LINES.handedBack(locale, shown);
  }
}

// ---------------------------------------------------------------------------

const ZH_KEYWORD = /工单/;
const EN_KEYWORD = /\btickets?\b|\bcase\s*(?:number|no\b|#)/i;

// Status words and filler a bare ticket may come with ("A7K2 进度", "status of A7K2 please").
const EN_FILLER =
  /\b(?:status|progress|updates?|any|news|check|how['’]?s|how|is|what['’]?s|what|about|up|with|the|of|on|for|my|please|pls|hi|hello|thanks|thank|you)\b/gi;
const ZH_FILLER =
  /进度|状态|进展|怎么样了?|咋样了?|如何了?|处理得?(?:怎么样|如何)了?|处理好了|处理了|好了没|好了|有结果了|有消息|查询|查一下|查下|帮我查|请问|麻烦|您好|你好|谢谢|[吗呢啊呀么嘛了的]/g;

// English words spelt only with ticket letters, read as words rather than ticket numbers even in
// capitals ("I need it ASAP, ticket please").
const WORDS = new Set(
  'ASAP STATUS UPDATE URGENT THANKS NEED WHAT WHEN THAT THEY THEM THEN THERE WHERE HAVE WANT SENT SEND PAST NEWS HERE JUST MUST SURE AFTER NEVER EVERY DAYS WEEK WEEKS MANY DATE CASE AREA ANSWER REFUND STAFF AGENT SUPPORT DEAR HEY THANK'.split(
    ' ',
  ),
);

// A Latin-letter-and-digit run of ticket length, not inside an e-mail address, URL or longer code:
// Chinese characters around it are fine ("工单A7K2怎么样了").
const TOKEN = /(?<![A-Za-z0-9@._%+/-])(#?)([A-Za-z0-9]{4,6})(?![A-Za-z0-9@]|[./][A-Za-z0-9])/g;
const IN_ALPHABET = new RegExp(`^[${TICKET_ALPHABET}]+$`);

interface Token {
  typed: string;
  ticket: string;
  mixed: boolean;
  upper: boolean;
  word: boolean;
  hashed: boolean;
}

function ticketTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [typed, hash, body = ''] = match;
    const ticket = body.toUpperCase();
    if (!IN_ALPHABET.test(ticket)) continue;
    tokens.push({
      typed,
      ticket,
      mixed: /\d/.test(body) && /[A-Za-z]/.test(body),
      // Digits alone are not "upper case": a number after "ticket" in English is more often a count or a price.
      upper: /[A-Z]/.test(body) && body === ticket,
      word: WORDS.has(ticket),
      hashed: hash === '#',
    });
  }
  return tokens;
}

/** Letters and digits mixed beat letters only; among equals, the first. */
function pick(tokens: Token[]): Token | undefined {
  return tokens.find((t) => t.mixed) ?? tokens.find((t) => t.upper) ?? tokens[0];
}

function closedAt(
  conversation: Conversation,
  locale: Locale,
  timeZone: string | undefined,
): string | undefined {
  if (!conversation.closedAt) return undefined;
  const format = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: timeZone ?? 'UTC',
  });
  return `${format.format(new Date(conversation.closedAt))}${timeZone ? '' : ' UTC'}`;
}

type Lines = Record<Locale, string>;
const line = (lines: Lines, locale: Locale) => lines[locale];

const LINES = {
  notFound: (locale: Locale, ticket: string) =>
    line(
      {
        'zh-CN': `没有找到工单 ${ticket}，请核对工单号后再发给我。`,
        en: `I can't find ticket ${ticket}; please check the number and send it again.`,
      },
      locale,
    ),
  waiting: (locale: Locale, ticket: string, position: number | undefined) =>
    line(
      position === undefined
        ? {
            'zh-CN': `工单 ${ticket} 正在等待人工客服处理，同事会尽快回复。`,
            en: `Ticket ${ticket} is waiting for a member of our team, who will reply as soon as possible.`,
          }
        : {
            'zh-CN': `工单 ${ticket} 正在排队等待人工客服，前面还有 ${position - 1} 位客户。`,
            en: `Ticket ${ticket} is waiting for a member of our team: number ${position} in the queue.`,
          },
      locale,
    ),
  withAgent: (locale: Locale, ticket: string, agent: string | undefined) =>
    line(
      {
        'zh-CN': `工单 ${ticket} 正在由${agent ? `客服 ${agent} ` : '人工客服'}处理中。`,
        en: `Ticket ${ticket} is being handled by ${agent ?? 'a member of our team'}.`,
      },
      locale,
    ),
  closed: (locale: Locale, ticket: string, when: string | undefined) =>
    line(
      {
        'zh-CN': `工单 ${ticket} 已${when ? `于 ${when} ` : ''}处理完毕并关闭。如还有问题，直接在这里告诉我。`,
        en: `Ticket ${ticket} was closed${when ? ` on ${when}` : ''}. If you still need help, just tell me here.`,
      },
      locale,
    ),
  handedBack: (locale: Locale, ticket: string) =>
    line(
      {
        'zh-CN': `工单 ${ticket} 已由人工客服转回智能助手，目前没有在排队。需要人工时回复“转人工”。`,
        en: `Ticket ${ticket} was handed back to the assistant and is not in the queue. Say "talk to a person" to reach the team again.`,
      },
      locale,
    ),
};
