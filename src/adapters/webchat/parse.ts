/**
 * Web chat request bodies -> InboundMessage. Pure: no I/O, so every rule is tested with plain
 * objects. The error codes are the ones docs/webchat.md promises.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { type InboundMessage, isId, LOCALES, type Locale } from '../../core/model.js';

const messageBody = z.object({
  sessionId: z.string(),
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1-100 characters of A-Z a-z 0-9 _ - . :'),
  text: z.string().optional(),
  payload: z.string().min(1).max(200).optional(),
});

const sessionBody = z.object({ locale: z.enum(LOCALES).optional() }).strict();

export function parseSessionId(value: unknown): string {
  if (!isId('session', value)) {
    throw new ValidationError('invalid_session_id', 'sessionId is not a session id this server issued');
  }
  return value;
}

export function parseNewSession(body: unknown): { locale?: Locale } {
  const result = sessionBody.safeParse(body ?? {});
  if (!result.success) throw invalidRequest(result.error);
  return result.data;
}

export function parseMessage(body: unknown, options: { maxTextLength: number; now: string }): InboundMessage {
  const result = messageBody.safeParse(body);
  if (!result.success) throw invalidRequest(result.error);
  const { sessionId, clientMessageId, payload } = result.data;
  parseSessionId(sessionId);
  const text = (result.data.text ?? '').trim();
  if (text === '' && payload === undefined) {
    throw new ValidationError(
      'text_required',
      'text is empty: type a message (or send a quick-reply payload)',
    );
  }
  const length = [...text].length; // characters as people count them, not UTF-16 units
  if (length > options.maxTextLength) {
    throw new ValidationError(
      'text_too_long',
      `text is ${length.toLocaleString('en')} characters; the limit is ${options.maxTextLength.toLocaleString('en')}`,
    );
  }
  return {
    address: { channel: 'webchat', chatId: sessionId, userId: sessionId },
    text,
    attachments: [],
    ...(payload !== undefined ? { action: { payload } } : {}),
    dedupeKey: `${sessionId}:${clientMessageId}`,
    platformMessageId: clientMessageId,
    fromBot: false,
    receivedAt: options.now,
  };
}

function invalidRequest(error: z.ZodError): ValidationError {
  const details = error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return new ValidationError(
    'invalid_request',
    `the request body is not valid: ${details.join('; ')}`,
    details,
  );
}
