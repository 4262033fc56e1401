/** A knowledge entry with only what the engine reads, and a four-entry bilingual shop made of them. */
import type { KnowledgeEntry } from '../../../src/knowledge/types.js';

export function entry(id: string, questions: string[]): KnowledgeEntry {
  return {
    id,
    questions,
    answer: id,
    quickReplies: [],
    handoff: false,
    tags: [],
    followUps: [],
    source: { file: 'test', line: 0 },
  };
}

export const tinyShop = [
  entry('order.track', [
    'where is my parcel',
    'track my order',
    'when will my package arrive',
    '我的快递到哪了',
  ]),
  entry('refund', ['i want a refund', 'how do i get my money back', 'refund my purchase', '怎么退款']),
  entry('hours', ['what are your opening hours', 'when are you open', 'are you open on sunday', '几点开门']),
  entry('password', ['i forgot my password', 'reset my password', 'cannot log in to my account', '忘记密码']),
];
