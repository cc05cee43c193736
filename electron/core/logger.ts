import type { Clock } from './clock';
import { systemClock } from './clock';

/**
 * The one logger. Every field passes through the Redactor before it reaches a sink, so PHI cannot
 * land in a log file or console even when a caller is careless:
 * - keys that hold secrets or free text (password, key, token, reason, notes, location, ...) are
 *   replaced whole;
 * - emails anywhere in a string are masked;
 * - person names the core has registered (as people are loaded) are masked wherever they occur.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export interface LogRecord {
  time: string;
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}
export type LogSink = (record: LogRecord) => void;

const SECRET_OR_FREE_TEXT_KEYS =
  /^(password|passphrase|newPassword|currentPassword|pass|secret|token|key|dataKey|recoveryKey|otp|code|totp|mfaSecret|reason|notes?|location|comment|description|email|name|displayName|firstName|lastName|fullName)$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
export const REDACTED = '[redacted]';

export class Redactor {
  private names = new Set<string>();
  private namePattern: RegExp | null = null;

  /** Registers person names (display names, surnames) to be masked in any logged string. */
  addNames(names: Iterable<string>): void {
    let changed = false;
    for (const raw of names) {
      for (const part of [raw, ...raw.split(/\s+/)]) {
        const name = part.trim();
        // Very short fragments (initials) would mask ordinary words; full names still match.
        if (name.length >= 3 && !this.names.has(name)) {
          this.names.add(name);
          changed = true;
        }
      }
    }
    if (changed) this.namePattern = this.buildPattern();
  }

  clearNames(): void {
    this.names.clear();
    this.namePattern = null;
  }

  private buildPattern(): RegExp | null {
    if (this.names.size === 0) return null;
    const alternatives = [...this.names]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'giu');
  }

  redactString(s: string): string {
    let out = s.replace(EMAIL, '[email]');
    if (this.namePattern) out = out.replace(this.namePattern, '[name]');
    return out;
  }

  redact(value: unknown, depth = 0): unknown {
    if (depth > 8) return '[deep]';
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      return { name: value.name, message: this.redactString(value.message), stack: value.stack ? this.redactString(value.stack) : undefined };
    }
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_OR_FREE_TEXT_KEYS.test(k) && v !== undefined && v !== null ? REDACTED : this.redact(v, depth + 1);
    }
    return out;
  }
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  readonly redactor: Redactor;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  clock?: Clock;
  redactor?: Redactor;
}

/** Writes JSON lines to stderr: stdout belongs to the CLI's output. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(JSON.stringify(record) + '\n');
};

/** Collects records in memory; tests read them. */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = ((r: LogRecord) => void records.push(r)) as LogSink & { records: LogRecord[] };
  sink.records = records;
  return sink;
}

export function createLogger(opts: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const level = opts.level ?? ((process.env.RSCHED_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const sink = opts.sink ?? stderrSink;
  const clock = opts.clock ?? systemClock;
  const redactor = opts.redactor ?? new Redactor();
  const write = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_RANK[lvl] < LEVEL_RANK[level]) return;
    const safe = redactor.redact({ ...bound, ...fields }) as Record<string, unknown>;
    sink({ ...safe, time: clock.now().toISOString(), level: lvl, msg: redactor.redactString(msg) });
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level, sink, clock, redactor }, { ...bound, ...fields }),
    redactor,
  };
}
