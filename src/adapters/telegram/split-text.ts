/**
 * Long texts -> pieces Telegram accepts. A message holds at most 4096 characters after entity
 * parsing (Bot API, sendMessage `text`), so the split is made on the plain text, before escaping:
 * an escape can never be cut in half. Pure.
 */

/** Bot API sendMessage: "1-4096 characters after entities parsing". */
export const TELEGRAM_MAX_TEXT = 4096;

/**
 * Splits at the last paragraph break in the second half of the window, else the last line break
 * there, else after the last Chinese full stop, question or exclamation mark there (Chinese has no
 * spaces), else at the last space, else hard (never inside a surrogate pair). Lengths are UTF-16 code
 * units, which is what Telegram counts and never fewer than the characters a person sees.
 */
export function splitText(text: string, max: number = TELEGRAM_MAX_TEXT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const half = Math.floor(max / 2);
  const paragraph = window.lastIndexOf('\n\n', max - 1);
  if (paragraph >= half) return paragraph;
  const line = window.lastIndexOf('\n', max);
  if (line >= half) return line;
  const sentence = Math.max(...['。', '！', '？'].map((mark) => window.lastIndexOf(mark, max - 1)));
  if (sentence >= half) return sentence + 1;
  const space = Math.max(window.lastIndexOf(' ', max), window.lastIndexOf('\t', max));
  if (space > 0) return space;
  const code = text.charCodeAt(max - 1);
  const splitsPair = code >= 0xd800 && code <= 0xdbff;
  return splitsPair ? max - 1 : max;
}
