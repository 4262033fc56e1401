/**
 * The customer-facing side of a platform (DESIGN.md, "The two interfaces"). Kept small: inbound
 * messages go to the pipeline, outbound ones come back through `send`.
 */
import type { Address, InboundMessage, OutboundMessage, Platform } from './model.js';

export interface ChannelCapabilities {
  buttons: boolean;
  markdown: boolean;
  files: boolean;
  edits: boolean;
  maxTextLength: number;
}

export type Receipt =
  | { status: 'accepted'; messageId: string; conversationId: string }
  | { status: 'duplicate'; messageId: string; conversationId: string }
  | { status: 'ignored'; reason: 'own-message' };

/** What a channel feeds; implemented by the pipeline. Resolves once the message is safely recorded. */
export interface InboundHandler {
  receive(message: InboundMessage): Promise<Receipt>;
}

export interface ChannelHealth {
  state: 'up' | 'starting' | 'down';
  detail?: string;
}

export interface Channel {
  readonly name: Platform;
  readonly capabilities: ChannelCapabilities;
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  send(address: Address, message: OutboundMessage): Promise<void>;
  health(): ChannelHealth;
}
