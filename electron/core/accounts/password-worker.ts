import bcrypt from 'bcryptjs';
import { parentPort } from 'node:worker_threads';

/**
 * Worker side of hashPassword/verifyPassword: bcryptjs in its synchronous form, since this thread has
 * nothing else to do. Requests carry an id; a failure is reported without bcrypt's message, which is
 * never needed and must not risk carrying input into a log.
 */
export type PasswordRequest = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
export type PasswordJob = PasswordRequest & { id: number };

export type PasswordReply = { id: number; ok: true; value: string | boolean } | { id: number; ok: false };

if (!parentPort) throw new Error('password-worker must run in a worker thread');
const port = parentPort;

port.on('message', (job: PasswordJob) => {
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    port.postMessage({ id: job.id, ok: true, value } satisfies PasswordReply);
  } catch {
    port.postMessage({ id: job.id, ok: false } satisfies PasswordReply);
  }
});
