/**
 * What the command reads and writes: the terminal in real runs, buffers in tests.
 */
import { createInterface } from 'node:readline/promises';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';

/** The command's terminal. */
export interface Io {
  /** Whether a person is at the terminal (prompts and progress bars). */
  readonly interactive: boolean;
  /** Writes a line of output (results). */
  out(line: string): void;
  /** Writes a line of diagnostics (progress, notes), on stderr. */
  note(line: string): void;
  /** Asks a yes/no question; true only for an explicit yes. */
  confirm(question: string): Promise<boolean>;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The real terminal. */
export function terminalIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Progress toward a total: a bar at a terminal, a line per change otherwise. */
export interface Progress {
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

export function progress(io: Io, label: string): Progress {
  if (io.interactive) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {detail}`, stream: process.stderr, hideCursor: true });
    let started = false;
    return {
      update: (done, total, detail = '') => {
        if (!started) {
          bar.start(total, done, { detail });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { detail });
        }
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = '';
  return {
    update: (done, total, detail) => {
      const line = `${label}: ${done} of ${total}${detail ? ` (${detail})` : ''}`;
      if (line !== last) {
        io.note(line);
        last = line;
      }
    },
    stop: () => undefined,
  };
}

/** A plain table (no colours, so that it reads the same in logs). */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  rows.forEach((row) => t.push(row.map(String)));
  return t.toString();
}

/** A duration in seconds as people read it: `45 s`, `12 min`, `3.5 h`, `2.0 d`. */
export function humanSeconds(seconds: number): string {
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`;
  }
  if (seconds < 172800) {
    return `${(seconds / 3600).toFixed(1)} h`;
  }
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** A timestamp in milliseconds (as SQS writes them) in ISO 8601, or `-`. */
export function isoTime(epochMillis: string | number | undefined): string {
  const n = Number(epochMillis ?? 0);
  return n > 0 ? new Date(n).toISOString() : '-';
}

/** `text` within `max` characters, on one line. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
