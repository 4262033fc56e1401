/** What the survey says at each stage, in the conversation's language. Pure. */
import type { Locale, QuickReply } from '../model.js';
import { reply } from '../replies.js';
import { CSAT_PAYLOAD_PREFIX, SKIP_PAYLOAD } from './answers.js';

export type SurveyStage = 'rating' | 'nps' | 'comment';

const RATING_LABELS = ['csat1', 'csat2', 'csat3', 'csat4', 'csat5'] as const;

/** `low`: the customer just gave a low rating, so the comment question apologises. */
export function surveyQuestion(
  stage: SurveyStage,
  locale: Locale,
  low = false,
): { text: string; quickReplies: QuickReply[] } {
  switch (stage) {
    case 'rating':
      // 1 to 5 in this order: WeChat numbers the buttons, so a typed "4" is the fourth, a 4.
      return {
        text: reply('csatQuestion', locale),
        quickReplies: RATING_LABELS.map((name, index) => ({
          label: reply(name, locale),
          payload: `${CSAT_PAYLOAD_PREFIX}${index + 1}`,
        })),
      };
    case 'nps':
      // Typed, no buttons: eleven would be a wall of rows on Telegram, and WeChat's numbered list
      // would put "reply 1" next to a score of 0.
      return { text: reply('npsQuestion', locale), quickReplies: [] };
    case 'comment':
      return {
        text: reply(low ? 'csatCommentLow' : 'csatComment', locale),
        quickReplies: [{ label: reply('csatSkip', locale), payload: SKIP_PAYLOAD }],
      };
  }
}
