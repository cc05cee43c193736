import bcrypt from 'bcryptjs';
import { randomBytes, randomInt } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { normalizePassword, PASSWORD_PROBLEM_MESSAGES, type PasswordCheckOptions } from '../../../shared/accounts/password-policy';
import { AppError } from '../../../shared/errors';
import { spawnWorker } from '../workers/spawn';
import type { PasswordJob, PasswordReply, PasswordRequest, PolicyVerdict } from './password-worker';

/** OWASP: bcrypt work factor 10 at least; 12 is ~0.35 s here with bcryptjs, paid once per sign-in. */
export const BCRYPT_COST = 12;

/**
 * Refuses a new password with WEAK_PASSWORD, naming the problems (never echoing the value).
 * bcrypt.truncates() is the authority on the 72-byte limit: the shared policy estimates it for the
 * renderer, this check is what holds. The strength estimate runs in the password worker.
 */
export async function enforcePolicy(password: string, opts: PasswordCheckOptions, field = 'newPassword'): Promise<string> {
  const pw = normalizePassword(password);
  const verdict = await inWorker({ op: 'policy', password: pw, opts: { mfa: opts.mfa, context: [...opts.context] } });
  // Only a well-formed verdict counts: anything else fails closed.
  if (verdict === null || typeof verdict !== 'object' || !Array.isArray(verdict.problems) || typeof verdict.minLength !== 'number') throw new AppError('INTERNAL');
  const problems = [...verdict.problems];
  if (bcrypt.truncates(pw) && !problems.includes('too_many_bytes') && !problems.includes('too_long')) problems.push('too_many_bytes');
  if (problems.length > 0) {
    throw new AppError('WEAK_PASSWORD', undefined, {
      issues: problems.map((p) => ({ path: field, message: PASSWORD_PROBLEM_MESSAGES[p] })),
      details: { minLength: verdict.minLength },
    });
  }
  return pw;
}

/**
 * bcrypt runs in one long-lived worker thread: bcryptjs is pure JavaScript and even its async form
 * computes in ~100 ms slices on the calling thread, which would block the main process's IPC. The
 * worker starts on first use, holds the process open only while a request is pending, and is started
 * again after it dies; a death rejects the requests it held with INTERNAL (no detail: no password can
 * leak into a message or a log).
 */
interface PasswordThread {
  worker: Worker;
  pending: Map<number, { resolve: (value: string | boolean | PolicyVerdict) => void; reject: (err: AppError) => void }>;
}

let thread: PasswordThread | null = null;
let nextRequestId = 1;

function startThread(): PasswordThread {
  const worker = spawnWorker('password-hash');
  worker.unref();
  const t: PasswordThread = { worker, pending: new Map() };
  const fail = (cause: string): void => {
    if (thread === t) thread = null;
    const waiting = [...t.pending.values()];
    t.pending.clear();
    for (const p of waiting) p.reject(new AppError('INTERNAL', undefined, { cause: new Error(`password worker ${cause}`) }));
    void worker.terminate();
  };
  worker.on('message', (reply: PasswordReply) => {
    const p = t.pending.get(reply.id);
    if (!p) return;
    t.pending.delete(reply.id);
    if (t.pending.size === 0) worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new AppError('INTERNAL', undefined, { cause: new Error('password worker: the request failed') }));
  });
  worker.on('error', (err) => fail(`error (${err.name})`));
  worker.on('exit', (code) => fail(`exited with code ${code}`));
  return t;
}

function inWorker(job: PasswordRequest): Promise<string | boolean | PolicyVerdict> {
  thread ??= startThread();
  const t = thread;
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    if (t.pending.size === 0) t.worker.ref();
    t.pending.set(id, { resolve, reject });
    t.worker.postMessage({ ...job, id } satisfies PasswordJob);
  });
}

async function hashInWorker(password: string): Promise<string> {
  const value = await inWorker({ op: 'hash', password, cost: BCRYPT_COST });
  if (typeof value !== 'string') throw new AppError('INTERNAL');
  return value;
}

async function compareInWorker(password: string, hash: string): Promise<boolean> {
  return (await inWorker({ op: 'compare', password, hash })) === true;
}

/** Stops the password worker (shutdown, tests); the next password call starts a new one. */
export async function stopPasswordWorker(): Promise<void> {
  const t = thread;
  if (!t) return;
  thread = null;
  await t.worker.terminate();
}

export function hashPassword(password: string): Promise<string> {
  const pw = normalizePassword(password);
  if (bcrypt.truncates(pw)) throw new AppError('WEAK_PASSWORD');
  return hashInWorker(pw);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  const pw = normalizePassword(password);
  // A password bcrypt would truncate can never be one we stored: refuse without the prefix match.
  if (bcrypt.truncates(pw)) return compareInWorker('', hash).then(() => false);
  return compareInWorker(pw, hash);
}

/** A valid hash of a random secret, compared against when the user name is unknown: same time cost. */
let dummyHash: Promise<string> | null = null;
export async function burnVerifyTime(password: string): Promise<false> {
  dummyHash ??= hashInWorker(randomBytes(16).toString('hex')).catch((err: unknown) => {
    dummyHash = null;
    throw err;
  });
  await compareInWorker(normalizePassword(password).slice(0, 64), await dummyHash);
  return false;
}

/**
 * One-time temporary password: 20 characters from an alphabet without look-alikes, ~100 bits,
 * grouped for reading aloud. It is generated, not chosen, so the policy's dictionary checks do not
 * apply; it works for 24 hours and must be replaced at sign-in.
 */
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export function generateTemporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

export const TEMPORARY_PASSWORD_LIFETIME_MS = 24 * 60 * 60 * 1000;
