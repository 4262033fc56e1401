/** A conversation's thread in the agents' channel, and system notes posted there. */
import type { Logger } from '../logger.js';
import type { Conversation } from '../model.js';
import type { AgentDesk, ThreadRef } from './agent-desk.js';

export function threadOf(conversation: Conversation): ThreadRef | undefined {
  const thread = conversation.agentThread as ThreadRef | undefined;
  return thread?.desk && thread.channelId && thread.threadId ? thread : undefined;
}

/**
 * A system note in the conversation's agent thread, when there is a desk and a thread. Never
 * throws: the note is a courtesy to agents, the caller's work is done either way.
 */
export async function noteInThread(
  desk: AgentDesk | undefined,
  conversation: Conversation,
  text: string,
  logger: Logger,
): Promise<void> {
  const thread = threadOf(conversation);
  if (!desk || !thread) return;
  try {
    await desk.post(thread, { kind: 'system', text, attachments: [] });
  } catch (error) {
    logger.error(
      { err: error, conversationId: conversation.id },
      'posting a note to the agent thread failed',
    );
  }
}
