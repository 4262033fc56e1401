/**
 * One base error with a stable `code` and an optional `cause`. Callers branch on the class or the
 * code, never on the message text.
 */
export class SwitchboardError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that can never be valid: the caller gets a 4xx and nothing is stored. */
export class ValidationError extends SwitchboardError {
  readonly details: string[];

  constructor(code: string, message: string, details: string[] = []) {
    super(code, message);
    this.details = details;
  }
}

export class InvalidIdError extends ValidationError {
  constructor(message: string) {
    super('invalid_id', message);
  }
}

export class NotFoundError extends SwitchboardError {}

/** A setting is missing or wrong; the message names the setting. Startup stops. */
export class ConfigError extends SwitchboardError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('config_invalid', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** The store could not be reached or refused an operation. Retryable from the client's side. */
export class StoreUnavailableError extends SwitchboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

export class UnsupportedMediaTypeError extends SwitchboardError {
  constructor(message = 'send the body as JSON with Content-Type: application/json') {
    super('unsupported_media_type', message);
  }
}
