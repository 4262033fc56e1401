/** What the customer is told as people take over, in every locale. */
import type { Locale } from '../model.js';

type Lines = Record<Locale, string>;

const line = (lines: Lines, locale: Locale) => lines[locale];

export const deskReplies = {
  queued: (locale: Locale, ticket: string, position: number) =>
    line(
      {
        'zh-CN': `已为您转接人工客服，工单号 ${ticket}。您前面还有 ${position - 1} 位客户，请稍候，同事会在这里回复您。`,
        en: `A person will take over shortly. Your ticket number is ${ticket}; you are number ${position} in the queue, and the reply will appear right here.`,
      },
      locale,
    ),
  agentJoined: (locale: Locale, name: string | undefined) =>
    line(
      {
        'zh-CN': `人工客服${name ? ` ${name} ` : ''}已接入，请问有什么可以帮您？`,
        en: `${name ?? 'A member of our team'} has joined the conversation.`,
      },
      locale,
    ),
  closed: (locale: Locale, ticket: string | undefined) =>
    line(
      {
        'zh-CN': `本次服务已结束${ticket ? `（工单号 ${ticket}）` : ''}，感谢您的耐心。如还有问题，随时给我们发消息。`,
        en: `This conversation is now closed${ticket ? ` (ticket ${ticket})` : ''}. Thank you for your patience; write to us any time if you need anything else.`,
      },
      locale,
    ),
  outOfHours: (locale: Locale, ticket: string, opensAt: string | undefined) =>
    line(
      {
        'zh-CN': `我们的客服同事现在不在线${opensAt ? `，将在 ${opensAt} 起为您处理` : ''}。您的问题已登记（工单号 ${ticket}），可以继续在这里留言补充细节。`,
        en: `Our team is away right now${opensAt ? ` and will pick this up from ${opensAt}` : ''}. Your request is logged as ticket ${ticket}; add any details here in the meantime.`,
      },
      locale,
    ),
  busy: (locale: Locale, ticket: string) =>
    line(
      {
        'zh-CN': `抱歉让您久等了，同事们正忙。您可以直接在这里留言说明问题，我们会尽快回复（工单号 ${ticket}）。`,
        en: `Sorry for the wait: the team is busier than usual. Leave your message here with the details and we will reply as soon as we can (ticket ${ticket}).`,
      },
      locale,
    ),
  handedBack: (locale: Locale) =>
    line(
      {
        'zh-CN': '智能助手已回来为您服务，您可以继续提问；需要人工时回复“转人工”。',
        en: 'You are back with the assistant. Ask me anything, or say "talk to a person" to reach the team again.',
      },
      locale,
    ),
};
