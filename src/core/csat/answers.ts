/**
 * A customer's reply to a survey question -> what it says. Pure. A pressed button carries its
 * value in the payload (`csat:4`, `csat:skip`; WeChat turns a typed "4" into the fourth
 * button's payload). Typed answers count only when the whole message is the answer — "4", "４分",
 * "★★★★", "4/5", "满意", "good" — so "4 items are missing" stays a new question.
 */

export const CSAT_PAYLOAD_PREFIX = 'csat:';
export const SKIP_PAYLOAD = 'csat:skip';

export interface SurveyReply {
  text: string;
  payload?: string;
}

/** Words customers use for a 1-5 rating, folded to lower case. */
const RATING_WORDS: Record<string, number> = {
  非常满意: 5,
  很满意: 5,
  超级满意: 5,
  满意: 4,
  比较满意: 4,
  还不错: 4,
  一般: 3,
  还行: 3,
  还可以: 3,
  不太满意: 2,
  不满意: 2,
  很不满意: 1,
  非常不满意: 1,
  很差: 1,
  excellent: 5,
  great: 5,
  'very good': 5,
  'very satisfied': 5,
  good: 4,
  satisfied: 4,
  ok: 3,
  okay: 3,
  average: 3,
  fine: 3,
  poor: 2,
  bad: 2,
  dissatisfied: 2,
  'very poor': 1,
  'very bad': 1,
  terrible: 1,
  awful: 1,
  'very dissatisfied': 1,
};

const SKIP_WORDS = new Set([
  'skip',
  'no',
  'nope',
  'none',
  'no thanks',
  'no thank you',
  'nothing',
  'n/a',
  '跳过',
  '没有',
  '没有了',
  '无',
  '不用',
  '不用了',
  '算了',
]);

const CHINESE_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

// A score, optionally "out of" its scale or with a unit: 4, 4/5, 4分, 4星, 4 stars, 四分.
const SCORE = /^(10|[0-9]|[零一二两三四五六七八九十])\s*(?:\/\s*(?:5|10)|分|星|颗星|stars?|points?)?$/;
// A button label typed out or pasted: "4 – good", "4 满意".
const SCORE_AND_WORD = /^([1-5])\s*[-–—:：.、)）]?\s*(\D+)$/;
const STARS = /^[★⭐]{1,5}$/u;

/** A 1-5 rating, or undefined when the reply is not one. */
export function parseRating(reply: SurveyReply): number | undefined {
  // A button's payload decides; any other button (an answer's, a skip) is not a rating.
  if (reply.payload !== undefined) return payloadScore(reply.payload);
  const text = fold(reply.text);
  if (STARS.test(text)) return [...text].length;
  const word = RATING_WORDS[text];
  if (word !== undefined) return word;
  const labelled = SCORE_AND_WORD.exec(text);
  if (labelled?.[2] && RATING_WORDS[labelled[2].trim()] !== undefined) return Number(labelled[1]);
  return inRange(typedScore(text), 1, 5);
}

/** A 0-10 "how likely are you to recommend us" score, or undefined when the reply is not one. */
export function parseNps(reply: SurveyReply): number | undefined {
  // Asked without buttons (see surveys.ts): any button pressed now answers something else.
  if (reply.payload !== undefined) return undefined;
  return inRange(typedScore(fold(reply.text)), 0, 10);
}

/** The customer declines to comment (the Skip button, or "no", "跳过"). */
export function isSkip(reply: SurveyReply): boolean {
  return reply.payload === SKIP_PAYLOAD || SKIP_WORDS.has(fold(reply.text));
}

function payloadScore(payload: string | undefined): number | undefined {
  const value = payload?.startsWith(CSAT_PAYLOAD_PREFIX) ? payload.slice(CSAT_PAYLOAD_PREFIX.length) : '';
  return /^[1-5]$/.test(value) ? Number(value) : undefined;
}

function typedScore(text: string): number | undefined {
  const digit = SCORE.exec(text)?.[1];
  if (digit === undefined) return undefined;
  return CHINESE_DIGITS[digit] ?? Number(digit);
}

function inRange(value: number | undefined, min: number, max: number): number | undefined {
  return value !== undefined && value >= min && value <= max ? value : undefined;
}

/** Full-width forms to ASCII (NFKC: "４" -> "4"), case, emoji variation selectors and end punctuation dropped. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\uFE0F/g, '')
    .trim()
    .replace(/[\s.!。！~～]+$/u, '')
    .replace(/\s+/g, ' ');
}
