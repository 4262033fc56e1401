/**
 * How upset or urgent a customer message reads, from a small zh + en lexicon plus shouting
 * (ALL CAPS, !!!). Pure and explainable: the score comes with the cues that produced it, so the
 * reason recorded on a handoff says why ("anger 0.8: 骗子, !!!").
 *
 * A lexicon misses irony and catches quoted words; it is a cheap first signal that errs towards a
 * person, which is the cheap mistake in customer service.
 */

export interface Mood {
  /** 0 (calm) to 1 (furious). */
  anger: number;
  /** 0 to 1: the customer says it cannot wait. */
  urgency: number;
  /** The words and signs behind the scores, for the recorded reason. */
  cues: string[];
}

const ANGER_ZH = [
  '投诉',
  '骗子',
  '骗人',
  '诈骗',
  '欺骗',
  '垃圾',
  '太差',
  '差劲',
  '气死',
  '无语',
  '坑人',
  '坑爹',
  '退钱',
  '举报',
  '差评',
  '曝光',
  '315',
  '工商',
  '消协',
  '律师',
  '起诉',
  '什么破',
  '搞什么',
  '忍无可忍',
  '滚',
];
const ANGER_EN = [
  'ridiculous',
  'scam',
  'scammer',
  'fraud',
  'terrible',
  'worst',
  'unacceptable',
  'furious',
  'angry',
  'disgusting',
  'pathetic',
  'useless',
  'lawyer',
  'lawsuit',
  'complaint',
  'complain',
  'rip off',
  'ripoff',
  'wtf',
  'joke',
  'never again',
  'fed up',
];
const URGENT_ZH = ['紧急', '急', '马上', '立刻', '立即', '赶紧', '快点', '尽快', '十万火急'];
const URGENT_EN = ['urgent', 'urgently', 'asap', 'immediately', 'emergency', 'right now', 'right away'];

const ANGER_EN_WORDS = wholeWords(ANGER_EN);
const URGENT_EN_WORDS = wholeWords(URGENT_EN);

/** Each cue adds this much; two strong cues make a clearly upset message. */
const CUE_WEIGHT = 0.4;
const SHOUT_WEIGHT = 0.3;

export function readMood(text: string): Mood {
  const lower = text.toLowerCase();
  const angerWords = [
    ...ANGER_ZH.filter((word) => text.includes(word)),
    ...ANGER_EN_WORDS.filter((cue) => cue.pattern.test(lower)).map((cue) => cue.word),
  ];
  const urgentWords = [
    ...URGENT_ZH.filter((word) => text.includes(word)),
    ...URGENT_EN_WORDS.filter((cue) => cue.pattern.test(lower)).map((cue) => cue.word),
  ];
  const shouts = [...(/[!！]{3,}/.test(text) ? ['!!!'] : []), ...(isShouting(text) ? ['ALL CAPS'] : [])];
  return {
    anger: Math.min(1, angerWords.length * CUE_WEIGHT + shouts.length * SHOUT_WEIGHT),
    urgency: Math.min(1, urgentWords.length * CUE_WEIGHT),
    cues: [...angerWords, ...urgentWords, ...shouts],
  };
}

/** English cues match whole words only ("joke" not in "jokester"); compiled once, not per message. */
function wholeWords(words: readonly string[]): Array<{ word: string; pattern: RegExp }> {
  return words.map((word) => ({
    word,
    pattern: new RegExp(`(^|[^a-z])${word.replace(/ /g, '\\s+')}($|[^a-z])`),
  }));
}

/** Mostly capital letters over a stretch long enough to be shouting, not an acronym. */
function isShouting(text: string): boolean {
  const letters = text.match(/[A-Za-z]/g) ?? [];
  if (letters.length < 8) return false;
  const capitals = letters.filter((c) => c >= 'A' && c <= 'Z').length;
  return capitals / letters.length >= 0.8;
}
