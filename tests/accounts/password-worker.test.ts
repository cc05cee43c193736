import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { BCRYPT_COST, burnVerifyTime, enforcePolicy, hashPassword, stopPasswordWorker, verifyPassword } from '../../electron/core/accounts/passwords';

const PASSWORD = 'quietly fossil tangerine orbit';

afterAll(() => stopPasswordWorker());

describe('password hashing in the worker thread', () => {
  it('verifies a hash bcryptjs made directly, and makes hashes bcryptjs verifies directly', async () => {
    const stored = bcrypt.hashSync(PASSWORD, 4);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('quietly fossil tangerine orbiT', stored)).toBe(false);

    const made = await hashPassword(PASSWORD);
    expect(bcrypt.getRounds(made)).toBe(BCRYPT_COST);
    expect(bcrypt.compareSync(PASSWORD, made)).toBe(true);
    expect(bcrypt.compareSync('another password entirely', made)).toBe(false);
  });

  it('answers concurrent requests each with its own result', async () => {
    const a = bcrypt.hashSync('first password here', 4);
    const b = bcrypt.hashSync('second password here', 4);
    const results = await Promise.all([
      verifyPassword('first password here', a),
      verifyPassword('first password here', b),
      verifyPassword('second password here', b),
      burnVerifyTime(PASSWORD),
      verifyPassword('second password here', a),
    ]);
    expect(results).toEqual([true, false, true, false, false]);
  });

  it('keeps the calling thread free: a 1 ms interval keeps firing while a cost-12 hash runs', async () => {
    await verifyPassword(PASSWORD, bcrypt.hashSync(PASSWORD, 4)); // the worker is up: only the hash is watched
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await hashPassword(PASSWORD);
    } finally {
      clearInterval(timer);
    }
    // In this thread, bcryptjs's async form yields only every ~100 ms: a cost-12 hash (4,096 rounds)
    // lets an interval fire a handful of times. Off the thread, it fires on nearly every millisecond.
    expect(ticks).toBeGreaterThan(50);
  });

  it('judges a new password in the worker: the thread keeps turning, a weak one is refused by name, a strong one returned', async () => {
    await stopPasswordWorker();
    await verifyPassword(PASSWORD, bcrypt.hashSync(PASSWORD, 4)); // a fresh worker is up: only the check is watched
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let accepted: string;
    try {
      // The first check in a thread indexes zxcvbn's dictionaries (80-270 ms here): on this thread
      // the interval could not fire at all while it ran.
      accepted = await enforcePolicy(`${PASSWORD} 7`, { mfa: false, context: ['Synthetic Medicine Residency', 'ada'] });
    } finally {
      clearInterval(timer);
    }
    expect(accepted).toBe(`${PASSWORD} 7`);
    expect(ticks).toBeGreaterThan(10);

    const err: unknown = await enforcePolicy('residency residency', { mfa: false, context: ['Synthetic Medicine Residency'] }, 'admin.password').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('WEAK_PASSWORD');
    expect((err as AppError).issues?.map((i) => i.path)).toContain('admin.password');
    expect(JSON.stringify((err as AppError).issues)).not.toContain('residency residency');
  });

  it('rejects the pending calls with INTERNAL when the worker dies, then starts a new one', async () => {
    const pending = hashPassword(PASSWORD);
    await stopPasswordWorker();
    const err: unknown = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INTERNAL');
    expect(JSON.stringify({ message: (err as AppError).message, cause: String((err as AppError).cause) })).not.toContain(PASSWORD);

    expect(await verifyPassword(PASSWORD, bcrypt.hashSync(PASSWORD, 4))).toBe(true);
  });

  it('reports a malformed stored hash as INTERNAL, without the password', async () => {
    const err: unknown = await verifyPassword(PASSWORD, `$2b$12$${'!'.repeat(53)}`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INTERNAL');
    expect((err as AppError).message).not.toContain(PASSWORD);
  });
});
