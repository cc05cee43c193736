import bcrypt from 'bcryptjs';
import { parentPort } from 'node:worker_threads';
import { checkPassword, type PasswordCheckOptions, type PasswordProblem } from '../../../shared/accounts/password-policy';

/**
 * Worker side of hashPassword/verifyPassword and of the password policy: bcryptjs in its synchronous
 * form, and the zxcvbn strength estimate (80-270 ms on this machine, too long for the main process),
 * since this thread has nothing else to do. Requests carry an id; a failure is reported without bcrypt's message, which is
 * never needed and must not risk carrying input into a log.
 */
export type PasswordRequest =
  | { op: 'hash'; password: string; cost: number }
  | { op: 'compare'; password: string; hash: string }
  | { op: 'policy'; password: string; opts: PasswordCheckOptions };

/** The policy's verdict as the worker returns it (never the password). */
export interface PolicyVerdict {
  problems: PasswordProblem[];
  minLength: number;
}
export type PasswordJob = PasswordRequest & { id: number };

export type PasswordReply = { id: number; ok: true; value: string | boolean | PolicyVerdict } | { id: number; ok: false };

if (!parentPort) throw new Error('password-worker must run in a worker thread');
const port = parentPort;

port.on('message', (job: PasswordJob) => {
  try {
    let value: string | boolean | PolicyVerdict;
    if (job.op === 'hash') value = bcrypt.hashSync(job.password, job.cost);
    else if (job.op === 'compare') value = bcrypt.compareSync(job.password, job.hash);
    else {
      const verdict = checkPassword(job.password, job.opts);
      value = { problems: verdict.problems, minLength: verdict.minLength };
    }
    port.postMessage({ id: job.id, ok: true, value } satisfies PasswordReply);
  } catch {
    port.postMessage({ id: job.id, ok: false } satisfies PasswordReply);
  }
});
