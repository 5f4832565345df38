/**
 * Named errors of the domain. Each message says what to do next.
 * Expected non-actions (duplicate, not managed, held) are outcomes, not errors.
 */
export class StackmendError extends Error {
  /** HTTP-ish status an adapter should answer with. */
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type SchemaIssue = { path: string; message: string; code?: string };

/** A payload did not match any supported alarm schema. Nothing was changed in the cloud. */
export class InvalidPayloadError extends StackmendError {
  override readonly status = 400;
  constructor(
    readonly what: string,
    readonly issues: SchemaIssue[],
  ) {
    super(
      `${what} is not valid: ${issues
        .slice(0, 5)
        .map((i) => `${i.path || '(root)'}: ${i.message}`)
        .join(
          '; ',
        )}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}. Nothing was changed; fix the sender or the payload.`,
    );
  }
}

/** Configuration is missing or wrong (clouds.yaml, env). */
export class ConfigError extends StackmendError {
  override readonly status = 500;
}
