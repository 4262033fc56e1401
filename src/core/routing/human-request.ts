/**
 * "Let me talk to a person", in the ways customers say it. Pure. A request for a person always
 * wins over the knowledge base: nobody who asked for a human should get another bot answer.
 */

// Chinese: a request verb with a person word, or the person word alone. A person word inside a
// question ("人工客服工作时间是什么时候", when are the agents working) is not a request.
const ZH_REQUEST =
  /转人工|转接人工|人工介入|(转|找|要|接|联系|叫|请|给我|我想|我需要|需要|换)\s*(一个|个|一位|位)?\s*(人工客服|人工服务|人工坐席|客服人员|真人客服|真人|人工)/;
const ZH_ALONE = /^\s*(人工客服|人工服务|人工坐席|真人客服|人工|真人|客服)\s*[!！。.?？~～]*\s*$/;
const EN = [
  /\b(talk|speak|chat)\s+(to|with)\s+(a|an|the|some|your)?\s*(real\s+)?(human|person|agent|representative|rep|operator|someone|somebody|manager|supervisor|staff)\b/,
  /\b(real|live)\s+(person|human|agent)\b/,
  /\b(human|agent|operator|representative)\s*(please|pls|plz|now)\b/,
  /\b(get|give|connect|transfer)\s+me\s+(to\s+)?(a|an|the)?\s*(human|person|agent|representative|operator|manager)\b/,
  /^\s*(human|agent|operator|representative)\s*[!.?]*\s*$/,
  /\bcustomer\s+service\s+(representative|agent|person)\b/,
];

export function asksForPerson(text: string): boolean {
  if (ZH_REQUEST.test(text) || ZH_ALONE.test(text)) return true;
  const lower = text.toLowerCase();
  return EN.some((pattern) => pattern.test(lower));
}
