import type { Locale } from './model.js';

/** What the bot itself says (not knowledge answers), in every locale. */
export const REPLIES = {
  handoff: {
    'zh-CN': '这个问题我需要请同事来帮您，正在为您转接人工客服，请稍候，回复会显示在这里。',
    en: "I'll get a person for you. A member of our team will reply right here shortly.",
  },
  suggest: {
    'zh-CN': '我不太确定您的意思，您是想问下面的问题吗？如果都不是，我可以为您转接人工客服。',
    en: "I'm not sure I understood. Did you mean one of these? If not, I can get a person for you.",
  },
  talkToPerson: {
    'zh-CN': '转人工客服',
    en: 'Talk to a person',
  },
  nonText: {
    'zh-CN': '我暂时只能看懂文字，正在为您转接人工客服。',
    en: 'I can only read text for now, so I am getting a person to look at this for you.',
  },
  unsupported: {
    'zh-CN': '抱歉，我在这里打不开这种消息。您可以用文字描述一下吗？',
    en: "Sorry, I can't open this kind of message here. Could you tell me in words?",
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type ReplyName = keyof typeof REPLIES;

export function reply(name: ReplyName, locale: Locale): string {
  return REPLIES[name][locale];
}

/** Quick-reply payloads the pipeline understands itself; knowledge entries use `kb:<id>`. */
export const PAYLOAD_HANDOFF = 'handoff:request';
export const PAYLOAD_KB_PREFIX = 'kb:';
