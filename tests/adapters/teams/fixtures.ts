/** The recorded Teams activities in ./fixtures, read fresh for each use (tests change them). */
import { readFileSync } from 'node:fs';

export type FixtureName =
  | 'activity_personal_message'
  | 'activity_channel_mention_root'
  | 'activity_channel_thread_followup'
  | 'activity_adaptive_card_submit'
  | 'activity_conversation_update_bot_added'
  | 'activity_message_update_edit'
  | 'activity_message_delete_soft';

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON, read as the platform sends it
export type RecordedActivity = Record<string, any>;

export function fixture(name: FixtureName): RecordedActivity {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}
