/**
 * "Let me talk to a person", in the ways customers say it. Pure. A request for a person always
 * wins over the knowledge base: nobody who asked for a human should get another bot answer.
 */

const ZH =
  /转人工|人工客服|人工服务|找人工|要人工|接人工|真人客服|找真人|客服人员|人工坐席|找客服|联系客服|叫客服/;
const EN = [
  /\b(talk|speak|chat)\s+(to|with)\s+(a|an|the|some|your)?\s*(real\s+)?(human|person|agent|representative|rep|operator|someone|somebody|manager|supervisor|staff)\b/,
  /\b(real|live)\s+(person|human|agent)\b/,
  /\b(human|agent|operator|representative)\s*(please|pls|plz|now)\b/,
  /\b(get|give|connect|transfer)\s+me\s+(to\s+)?(a|an|the)?\s*(human|person|agent|representative|operator|manager)\b/,
  /^\s*(human|agent|operator|representative)\s*[!.?]*\s*$/,
  /\bcustomer\s+service\s+(representative|agent|person)\b/,
];

export function asksForPerson(text: string): boolean {
  if (ZH.test(text)) return true;
  const lower = text.toLowerCase();
  return EN.some((pattern) => pattern.test(lower));
}
