/**
 * Every error leaves as `{ "error": { "code", "message" } }` with a fitting status. Internal
 * details go to the log, never to the client.
 */
import type { NextFunction, Request, Response } from 'express';
import {
  NotFoundError,
  StoreUnavailableError,
  SwitchboardError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/errors.js';
import type { Logger } from '../core/logger.js';

interface HttpProblem {
  status: number;
  code: string;
  message: string;
  details?: string[];
  headers?: Record<string, string>;
}

/** body-parser marks its errors with a `type`; they are the client's fault, not ours. */
interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

export function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof ValidationError) {
    return {
      status: 400,
      code: error.code,
      message: error.message,
      ...(error.details.length ? { details: error.details } : {}),
    };
  }
  if (error instanceof NotFoundError) return { status: 404, code: error.code, message: error.message };
  if (error instanceof UnsupportedMediaTypeError)
    return { status: 415, code: error.code, message: error.message };
  if (error instanceof StoreUnavailableError) {
    return {
      status: 503,
      code: error.code,
      message:
        'the store is unavailable; retry shortly (a retried message with the same id is not answered twice)',
      headers: { 'Retry-After': '2' },
    };
  }
  if (error instanceof SwitchboardError) return undefined;
  const bodyError = error as Partial<BodyParserError>;
  switch (bodyError.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'payload_too_large',
        message: `the body is over the ${bodyError.limit ?? 65536} byte limit`,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'send the body as UTF-8 JSON' };
    case 'request.aborted':
      return { status: 400, code: 'request_aborted', message: 'the request was aborted' };
    default:
      // The router marks a URL it cannot decode (bad percent-encoding) with status 400.
      if ((error as { status?: unknown }).status === 400) {
        return { status: 400, code: 'invalid_request', message: 'the request URL is not valid' };
      }
      return undefined;
  }
}

export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toProblem(error);
    if (!problem || problem.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const { status, code, message, details, headers } = problem ?? {
      status: 500,
      code: 'internal',
      message: 'something went wrong on our side; it has been logged',
    };
    if (headers) res.set(headers);
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
}
