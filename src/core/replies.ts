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
  // Knowledge actions (src/core/actions/); an entry's own texts replace the last three.
  actionCancelled: {
    'zh-CN': '好的，已为您取消查询。还有其他可以帮您的吗？',
    en: "OK, I've stopped the look-up. Is there anything else I can help with?",
  },
  actionInvalid: {
    'zh-CN': '这个格式好像不对。',
    en: "That doesn't look quite right.",
  },
  actionNotFound: {
    'zh-CN': '抱歉，没有查到相关记录。请核对后重新发送，或者我为您转接人工客服。',
    en: "Sorry, I couldn't find that. Please check it and send it again, or I can get a person for you.",
  },
  actionError: {
    'zh-CN': '抱歉，系统暂时无法查询。我可以为您转接人工客服。',
    en: "Sorry, I can't look that up right now. I can get a person to help you.",
  },
  nonText: {
    'zh-CN': '我暂时只能看懂文字，正在为您转接人工客服。',
    en: 'I can only read text for now, so I am getting a person to look at this for you.',
  },
  unsupported: {
    'zh-CN': '抱歉，我在这里打不开这种消息。您可以用文字描述一下吗？',
    en: "Sorry, I can't open this kind of message here. Could you tell me in words?",
  },
  // The satisfaction survey after close (src/core/csat/questions.ts, docs/csat.md).
  csatQuestion: {
    'zh-CN': '请为本次服务打分：点击下方按钮，或直接回复 1–5（5 分为非常满意）。',
    en: 'How did we do? Tap a button or reply 1–5 (5 is excellent).',
  },
  csat1: { 'zh-CN': '1 非常不满意', en: '1 · Very poor' },
  csat2: { 'zh-CN': '2 不满意', en: '2 · Poor' },
  csat3: { 'zh-CN': '3 一般', en: '3 · OK' },
  csat4: { 'zh-CN': '4 满意', en: '4 · Good' },
  csat5: { 'zh-CN': '5 非常满意', en: '5 · Excellent' },
  npsQuestion: {
    'zh-CN': '您有多大可能把我们推荐给朋友？请回复 0–10（10 为非常可能）。',
    en: 'How likely are you to recommend us to a friend? Reply 0–10 (10 is very likely).',
  },
  csatComment: {
    'zh-CN': '谢谢您的评分！还有什么想告诉我们的吗？直接回复即可，或点“跳过”。',
    en: 'Thanks for rating us! Anything you would like to tell us? Just reply, or tap Skip.',
  },
  csatCommentLow: {
    'zh-CN': '很抱歉这次没能让您满意，我们会安排同事跟进。能说说哪里可以做得更好吗？',
    en: "We're sorry we let you down; someone from our team will follow up. What could we have done better?",
  },
  csatSkip: { 'zh-CN': '跳过', en: 'Skip' },
  csatThanks: {
    'zh-CN': '感谢您的反馈！如有其他问题，随时给我们发消息。',
    en: 'Thank you for your feedback! Write to us any time if you need anything else.',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type ReplyName = keyof typeof REPLIES;

export function reply(name: ReplyName, locale: Locale): string {
  return REPLIES[name][locale];
}

/** Quick-reply payloads the pipeline understands itself; knowledge entries use `kb:<id>`. */
export const PAYLOAD_HANDOFF = 'handoff:request';
export const PAYLOAD_KB_PREFIX = 'kb:';
