import { create } from 'zustand';
import type { z } from 'zod';
import type { SessionInfo } from '../../../shared/contract/auth';
import type { AppStatus } from '../../../shared/contract/system';
import { DestructionSummary } from '../../../shared/contract/vault';
import type { WireResult } from '../../../shared/errors';
import type { Permission } from '../../../shared/rbac';
import { api, CallError, unwrap } from '../api/client';
import { endsSession } from './session-watch';

type Status = z.infer<typeof AppStatus>;

export type Phase = 'loading' | 'unreachable' | 'destroyed' | 'setup' | 'recovery-key' | 'login' | 'consent' | 'password_change' | 'mfa_enrollment' | 'app';

/**
 * Who is signed in and which screen that implies. Held in memory only: a reload (which is what a
 * lock does) starts from nothing.
 */
interface SessionState {
  status: Status | null;
  session: SessionInfo | null;
  unreachable: boolean;
  /** Shown once after setup, until the administrator confirms they wrote it down. */
  recoveryKey: string | null;
  /** Chosen at setup: load the demo program right after the first sign-in. */
  wantsDemo: boolean;
  lastUsername: string;
  /** The vault was just destroyed here: its certificate summary shows until it is acknowledged. */
  destroyed: DestructionSummary | null;
  load(): Promise<void>;
  setSession(s: SessionInfo | null): void;
  setupDone(recoveryKey: string, username: string, wantsDemo: boolean): void;
  recoveryConfirmed(): void;
  demoStarted(): void;
  vaultDestroyed(summary: DestructionSummary): void;
  destructionAcknowledged(): void;
}

const DESTROYED_KEY = 'rsched.destroyed';

/**
 * The certificate summary of a vault destroyed in this tab (ids and a time, no PHI): the one thing
 * kept in sessionStorage, across the reload that drops everything else the page held.
 */
function readDestroyed(): DestructionSummary | null {
  try {
    const parsed = DestructionSummary.safeParse(JSON.parse(sessionStorage.getItem(DESTROYED_KEY) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const useSession = create<SessionState>((set, get) => ({
  status: null,
  session: null,
  unreachable: false,
  recoveryKey: null,
  wantsDemo: false,
  lastUsername: '',
  destroyed: readDestroyed(),
  load: async () => {
    try {
      const [status, s] = await Promise.all([unwrap(api.system.status({})), unwrap(api.auth.session({}))]);
      set({ status, session: s.session, unreachable: false });
    } catch (err) {
      // A rekey holds the vault for a moment: ask again instead of calling the core unreachable.
      if (err instanceof CallError && err.code === 'CONFLICT') {
        setTimeout(() => void get().load(), 1_000);
        return;
      }
      set({ unreachable: true });
    }
  },
  setSession: (session) => set({ session }),
  setupDone: (recoveryKey, username, wantsDemo) =>
    set((st) => ({ recoveryKey, lastUsername: username, wantsDemo, status: st.status ? { ...st.status, vault: 'locked' } : st.status })),
  recoveryConfirmed: () => set({ recoveryKey: null }),
  demoStarted: () => set({ wantsDemo: false }),
  vaultDestroyed: (summary) => {
    sessionStorage.setItem(DESTROYED_KEY, JSON.stringify(summary));
    window.location.reload();
  },
  destructionAcknowledged: () => {
    sessionStorage.removeItem(DESTROYED_KEY);
    set({ destroyed: null });
  },
}));

export function phaseOf(s: Pick<SessionState, 'status' | 'session' | 'unreachable' | 'recoveryKey' | 'destroyed'>): Phase {
  if (s.unreachable) return 'unreachable';
  if (s.destroyed) return 'destroyed';
  if (s.recoveryKey) return 'recovery-key';
  if (!s.status) return 'loading';
  if (s.status.vault === 'absent') return 'setup';
  if (!s.session) return 'login';
  return s.session.pending[0] ?? 'app';
}

/** Whether the signed-in role may use a control (the core enforces; this only hides). */
export function useCan(permission: Permission): boolean {
  return useSession((s) => s.session?.permissions.includes(permission) ?? false);
}

/**
 * The session is gone (idle timeout, lock, another window locked the vault): reload, which drops
 * every byte of schedule data from this page's memory and lands on the sign-in screen.
 */
export function sessionLost(): void {
  window.location.reload();
}

/** unwrap() for signed-in screens: a lost session reloads the page instead of showing an error. */
export async function call<T>(result: Promise<WireResult<T>>): Promise<T> {
  try {
    return await unwrap(result);
  } catch (err) {
    if (err instanceof CallError && endsSession(err.code) && useSession.getState().session) sessionLost();
    throw err;
  }
}
