/**
 * Errors are values: a stable English code for programs, a zh-CN message for people, and where it happened.
 * Personal values (ID numbers, phones, emails) never go into `message` or `value` unmasked.
 */
export type Severity = 'error' | 'warning';

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly sheet?: string;
  readonly row?: number;
  readonly column?: string;
  readonly value?: string;
  /**
   * Staff only: the unit that already holds the person or enterprise (DUPLICATE_PERSON, DUPLICATE_ENTERPRISE).
   * A unit is told only that someone holds it; which province registered a person is not its business.
   */
  readonly heldBy?: string;
}

/** A failure that maps to a 4xx reply: the caller did something the rules do not allow. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 428 | 503 = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
