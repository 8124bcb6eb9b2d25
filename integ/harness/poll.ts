/**
 * Bounded polling: every outcome the suite checks is awaited with a deadline,
 * never with a fixed sleep alone. Deadlines are scaled for the run's target
 * (integ/harness/target.ts: longer on AWS).
 */
import { scaled } from './target';

export interface PollOptions<T = unknown> {
  /** What is awaited, for the timeout message and the progress lines. */
  readonly description: string;
  /** Give up after this many milliseconds (on the emulator; scaled for the run's target). */
  readonly timeoutMs: number;
  /** Pause between attempts. @default 1000 */
  readonly intervalMs?: number;
  /** Print a progress line at most this often (0: never). @default 15000 */
  readonly progressEveryMs?: number;
  /** Progress output. @default stderr */
  readonly log?: (line: string) => void;
  /**
   * What a progress line says about the last value read, in words (`value` is undefined when the
   * last read failed). @default the value as JSON
   */
  readonly describe?: (value: T | undefined) => string;
}

export class PollTimeoutError<T> extends Error {
  constructor(message: string, readonly lastValue: T | undefined) {
    super(message);
    this.name = 'PollTimeoutError';
  }
}

/** JSON of a polled value, with Maps as objects, cut to 300 characters. */
function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v)) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `read` until `done(value)` holds and returns that value; throws a
 * PollTimeoutError (carrying the last value read) at the deadline.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<T> {
  const started = Date.now();
  const timeoutMs = scaled(options.timeoutMs);
  const deadline = started + timeoutMs;
  const interval = options.intervalMs ?? 1_000;
  const progressEvery = options.progressEveryMs ?? 15_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let lastProgress = started;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (done(last)) {
        return last;
      }
    } catch (error) {
      lastError = error;
    }
    const now = Date.now();
    if (now >= deadline) {
      const detail = lastError ? `last error: ${String(lastError)}` : `last value: ${show(last)}`;
      throw new PollTimeoutError(`timed out after ${timeoutMs / 1000} s waiting for ${options.description}; ${detail}`, last);
    }
    if (progressEvery > 0 && now - lastProgress >= progressEvery) {
      lastProgress = now;
      const state = options.describe ? options.describe(lastError ? undefined : last) : `now ${show(last)}`;
      log(`  … still waiting for ${options.description} (${Math.round((now - started) / 1000)} s): ${state}`);
    }
    await sleep(Math.min(interval, deadline - now));
  }
}
