import { ImportPanel } from './Import';
import { PublishPanel } from './Publish';
import { SwapsPanel } from './Swaps';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Permission } from '../../../shared/rbac';
import { ROLE_LABELS } from '../../../shared/rbac';
import { api } from '../api/client';
import { auditAvailable } from '../api/audit';
import { messageOf } from '../lib/errors';
import { currentYear, useSchedule } from '../state/schedule';
import { call, sessionLost, useCan, useSession } from '../state/session';
import { endsSession, sessionEnded } from '../state/session-watch';
import { useUi, type View } from '../state/ui';
import { AccountPanel } from './Account';
import { AdminPanel } from './Admin';
import { AuditViewer } from './Audit';
import { BlockSchedule } from './BlockSchedule';
import { CallCalendar } from './CallCalendar';
import { CompliancePanel } from './Compliance';
import { EmptyProgram } from './EmptyProgram';
import { PersonHours } from './PersonHours';
import { SecurityPanel } from './security/SecurityPanel';
import { AbsencesEditor } from './editors/Absences';
import { PeopleEditor } from './editors/People';
import { RequirementsEditor } from './editors/Requirements';
import { RotationsEditor } from './editors/Rotations';
import { ShiftTypesEditor } from './editors/ShiftTypes';

interface NavItem {
  view: View;
  label: string;
  /** Any of these permissions shows the item. */
  any: Permission[];
  available?: () => boolean;
}

const NAV: NavItem[] = [
  { view: 'schedule', label: 'Block schedule', any: ['schedule.read'] },
  { view: 'call', label: 'Call calendar', any: ['schedule.read'] },
  { view: 'hours', label: 'Hours', any: ['schedule.read'] },
  { view: 'compliance', label: 'Compliance', any: ['compliance.read'] },
  { view: 'people', label: 'People', any: ['people.read'] },
  { view: 'rotations', label: 'Rotations', any: ['schedule.read'] },
  { view: 'shiftTypes', label: 'Shift types', any: ['schedule.read'] },
  { view: 'absences', label: 'Absences', any: ['schedule.read'] },
  { view: 'requirements', label: 'Requirements', any: ['schedule.read'] },
  { view: 'swaps', label: 'Swaps', any: ['absence.request', 'absence.approve'] },
  { view: 'import', label: 'Import', any: ['schedule.edit'] },
  { view: 'publish', label: 'Publish & export', any: ['schedule.publish', 'export.schedule'] },
  { view: 'audit', label: 'Audit', any: ['audit.read'], available: auditAvailable },
  { view: 'security', label: 'Security', any: ['incidents.read', 'incidents.manage', 'settings.manage'] },
  { view: 'admin', label: 'Administration', any: ['users.manage', 'settings.manage'] },
];

/** Activity restarts the core's idle timer; at most one ping every 20 s. */
function useActivityPing() {
  const last = useRef(0);
  useEffect(() => {
    const ping = () => {
      const now = Date.now();
      if (now - last.current < 20_000) return;
      last.current = now;
      void api.auth.activity({}).then((r) => {
        if (!r.ok && endsSession(r.error.code)) sessionLost();
      });
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, ping, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, ping);
    };
  }, []);
}

/** The core may lock on its own (idle, OS lock, another window): notice it and drop everything. */
function useSessionWatch() {
  useEffect(() => {
    const check = () => {
      void api.auth.session({}).then((r) => {
        if (sessionEnded(r)) sessionLost();
      });
    };
    const timer = setInterval(check, 5_000);
    window.addEventListener('focus', check);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', check);
    };
  }, []);
}

function Nav() {
  const session = useSession((s) => s.session);
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const items = NAV.filter((n) => n.any.some((p) => session?.permissions.includes(p)) && (n.available?.() ?? true));
  return (
    <nav className="mainnav" aria-label="Main">
      <ul>
        {items.map((n) => (
          <li key={n.view}>
            <button type="button" aria-current={view === n.view ? 'page' : undefined} onClick={() => setView(n.view)} data-nav={n.view}>
              {n.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function TopBar() {
  const session = useSession((s) => s.session);
  const program = useSchedule((s) => s.program);
  const years = useSchedule((s) => s.years);
  const yearId = useSchedule((s) => s.yearId);
  const selectYear = useSchedule((s) => s.selectYear);
  const setView = useUi((s) => s.setView);
  const lock = async () => {
    await api.auth.lock({});
    sessionLost();
  };
  const logout = async () => {
    await api.auth.logout({});
    sessionLost();
  };
  return (
    <header className="topbar">
      <h1>{program?.name ?? 'Residency Scheduler'}</h1>
      {years.length > 0 && (
        <label className="inline">
          <span>Academic year</span>
          <select value={yearId ?? ''} onChange={(e) => void selectYear(e.target.value)}>
            {years.map((y) => (
              <option key={y.year.id} value={y.year.id}>
                {y.year.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <span className="spacer" />
      {session?.breakGlass && <span className="pill danger">Emergency access until {new Date(session.breakGlass.until).toLocaleTimeString()}</span>}
      <button type="button" className="link" onClick={() => setView('account')} data-testid="whoami">
        {session?.displayName} · {session ? ROLE_LABELS[session.role] : ''}
      </button>
      <button type="button" onClick={() => void lock()}>
        Lock
      </button>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </header>
  );
}

function Status() {
  const editError = useSchedule((s) => s.editError);
  const notice = useSchedule((s) => s.notice);
  const clear = useSchedule((s) => s.clearEditError);
  return (
    <div className="status-line" aria-live="polite">
      {notice && <span data-testid="notice">{notice}</span>}
      {editError && (
        <span role="alert" className="error" data-testid="edit-error">
          {editError}{' '}
          <button type="button" className="link" onClick={clear}>
            Dismiss
          </button>
        </span>
      )}
    </div>
  );
}

/** Loads the demo program right after the first sign-in when it was chosen at setup. */
function useDemoOnFirstRun() {
  const wantsDemo = useSession((s) => s.wantsDemo);
  const demoStarted = useSession((s) => s.demoStarted);
  const canSeed = useCan('settings.manage');
  const status = useSchedule((s) => s.status);
  const years = useSchedule((s) => s.years);
  useEffect(() => {
    if (!wantsDemo || !canSeed || status !== 'ready' || years.length > 0) return;
    demoStarted();
    void seedDemo();
  }, [wantsDemo, canSeed, status, years.length, demoStarted]);
}

export async function seedDemo(): Promise<void> {
  const { setNotice, loadAll } = useSchedule.getState();
  setNotice('Loading the demo program…');
  try {
    const r = await call(api.demo.seed({}));
    await loadAll();
    setNotice(`Demo program loaded: ${r.people} people, ${r.rotations} rotations, ${r.blocks} blocks, ${r.shifts} shifts.`);
  } catch (err) {
    setNotice(null);
    useSchedule.setState({ editError: messageOf(err) });
  }
}

export function Workspace() {
  const loadAll = useSchedule((s) => s.loadAll);
  const status = useSchedule((s) => s.status);
  const loadError = useSchedule((s) => s.loadError);
  const hasYear = useSchedule((s) => currentYear(s) !== null);
  const view = useUi((s) => s.view);
  const canRead = useCan('schedule.read');
  useActivityPing();
  useSessionWatch();
  useDemoOnFirstRun();
  useEffect(() => {
    void loadAll();
  }, [loadAll]);

  const needsYear = ['schedule', 'call', 'hours', 'compliance'].includes(view);
  let body: ReactNode;
  if (!canRead && view !== 'account' && view !== 'admin') body = <p>Your role sees published schedules only; none is published yet.</p>;
  else if (status === 'loading' || status === 'idle') body = <p aria-busy="true">Loading the program…</p>;
  else if (status === 'error') body = <p role="alert" className="error">{loadError}</p>;
  else if (needsYear && !hasYear) body = <EmptyProgram />;
  else body = <ViewBody view={view} />;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <TopBar />
      <Nav />
      <Status />
      <main id="main" className="content" tabIndex={-1}>
        {body}
      </main>
    </div>
  );
}

function ViewBody({ view }: { view: View }) {
  switch (view) {
    case 'schedule': return <BlockSchedule />;
    case 'call': return <CallCalendar />;
    case 'hours': return <PersonHours />;
    case 'compliance': return <CompliancePanel />;
    case 'people': return <PeopleEditor />;
    case 'rotations': return <RotationsEditor />;
    case 'shiftTypes': return <ShiftTypesEditor />;
    case 'absences': return <AbsencesEditor />;
    case 'requirements': return <RequirementsEditor />;
    case 'swaps': return <SwapsPanel />;
    case 'import': return <ImportPanel />;
    case 'publish': return <PublishPanel />;
    case 'audit': return <AuditViewer />;
    case 'security': return <SecurityPanel />;
    case 'admin': return <AdminPanel />;
    case 'account': return <AccountPanel />;
  }
}

export function useToggle(initial = false): [boolean, () => void] {
  const [v, setV] = useState(initial);
  return [v, () => setV((x) => !x)];
}
