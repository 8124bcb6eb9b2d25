/**
 * Errors of the command: every failure ends as one line and a non-zero exit,
 * never a stack trace.
 */

/** A failure the command explains itself. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where the command was talking to, for the messages. */
export interface ErrorContext {
  readonly region?: string;
  readonly endpoint?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The one line that says what went wrong. */
export function describeError(error: unknown, context: ErrorContext = {}): string {
  if (error instanceof CliError) {
    return error.message;
  }
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; Code?: string; cause?: { code?: string } };
  const name = e.name ?? 'Error';
  const message = firstLine(e.message ?? String(error));
  const code = e.code ?? e.cause?.code;
  const where = context.endpoint ?? (context.region ? `AWS in ${context.region}` : 'AWS');
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return 'no AWS credentials found: pass --profile, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (/region is missing/i.test(message)) {
    return 'no AWS region: pass --region, or set AWS_REGION';
  }
  if ((code && NETWORK_CODES.has(code)) || name === 'TimeoutError' || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(message)) {
    return `cannot reach ${where}: ${code ?? message}`;
  }
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue' || /specified queue does not exist/i.test(message)) {
    return `the queue does not exist in ${where}: ${message}`;
  }
  // AWS: "Stack with id NAME does not exist"; some emulators: "Stack [NAME] does not exist".
  const missingStack = /^Stack (?:with id (.+)|\[(.+)\]) does not exist$/.exec(message);
  if (missingStack) {
    return `the stack ${missingStack[1] ?? missingStack[2]} does not exist in ${where}`;
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || /not authorized to perform/i.test(message)) {
    return `access denied: ${message}`;
  }
  if (/security token included in the request is invalid|InvalidClientTokenId|SignatureDoesNotMatch/i.test(`${name} ${message}`)) {
    return `the credentials were refused by ${where}: ${message}`;
  }
  return `${name}: ${message}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** Whether the service does not offer the operation (an emulator that does not model it). */
export function isUnsupportedOperation(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  return ['UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'InvalidAction', 'UnknownOperationException', 'NotImplemented']
    .includes(name);
}
