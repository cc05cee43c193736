import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ComplianceSession } from '../shared/compliance/session';
import { calendarFor } from '../shared/compliance/time/calendar';
import { parseIsoDate } from '../shared/compliance/time/civil';
import type {
  Absence,
  Assignment,
  ComplianceProgram,
  IntervalKind,
  PersonSchedule,
  WorkInterval,
} from '../shared/compliance/model';

/**
 * `npm run bench -- compliance [--residents N]`: a program of 150 residents with a full academic year
 * of daily shifts (13 four-week blocks, ~55,000 intervals). Prints the full-year check time and the
 * median time to re-check after one edit; the last line is one JSON object with the same figures.
 * Targets: full year <= 200 ms, one edit <= 10 ms.
 */

/** Small deterministic PRNG (mulberry32) so every run checks the same program. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rotation = 'wards' | 'nights' | 'clinic' | 'ed' | 'icu';

export interface GenerateOptions {
  residents?: number;
  seed?: number;
  startDate?: string;
  /** Days in the year; 13 blocks of 28 days, the last one absorbing the remainder. */
  days?: number;
  timeZone?: string;
}

/** A realistic-looking year: call, nights, clinic with home call, ED shifts, ICU under an 88 h exception, vacation. */
export function generateProgram(options: GenerateOptions = {}): ComplianceProgram {
  const residents = options.residents ?? 150;
  const days = options.days ?? 365;
  const timeZone = options.timeZone ?? 'America/New_York';
  const first = parseIsoDate(options.startDate ?? '2026-07-01');
  if (first === undefined) throw new Error('bad startDate');
  const random = prng(options.seed ?? 20260701);
  const cal = calendarFor(timeZone);
  cal.ensure(first, first + days + 1);
  const at = (day: number, minute: number): number => cal.dayStart(first + day) + minute;

  const people: PersonSchedule[] = [];
  for (let r = 0; r < residents; r++) {
    const em = r % 8 === 0;
    const intervals: WorkInterval[] = [];
    const assignments: Assignment[] = [];
    const absences: Absence[] = [];
    const add = (kind: IntervalKind, day: number, from: number, to: number): void => {
      intervals.push({ kind, start: at(day, from), end: at(day, to) });
    };
    for (let b = 0; b < 13; b++) {
      const startDay = b * 28;
      const endDay = b === 12 ? days - 1 : startDay + 27;
      const rotations: Rotation[] = em ? ['ed', 'ed', 'wards', 'icu'] : ['wards', 'nights', 'clinic', 'icu'];
      const rotation = rotations[(r + b) % rotations.length] as Rotation;
      assignments.push({
        startDay: first + startDay,
        endDay: first + endDay,
        rotation,
        ...(rotation === 'icu' ? { approvedWeeklyLimitHours: 88 } : {}),
      });
      // One vacation week in every fourth block.
      const vacationWeek = (r + b) % 4 === 0 ? 1 + Math.floor(random() * 3) : -1;
      if (vacationWeek >= 0) {
        absences.push({
          type: 'vacation',
          startDay: first + startDay + vacationWeek * 7,
          endDay: first + startDay + vacationWeek * 7 + 6,
          excludeFromAveraging: true,
        });
      }
      const callOffset = Math.floor(random() * 4);
      for (let d = startDay; d <= endDay; d++) {
        const inBlock = d - startDay;
        if (vacationWeek >= 0 && inBlock >= vacationWeek * 7 && inBlock < vacationWeek * 7 + 7) continue;
        const weekday = inBlock % 7;
        switch (rotation) {
          case 'wards':
            if (weekday === 6) add('homeCall', d, 17 * 60, 24 * 60 + 7 * 60);
            else if (inBlock % 4 === callOffset) {
              add('inHouseCall', d, 7 * 60, 31 * 60);
              add('transition', d + 1, 7 * 60, 9 * 60 + Math.floor(random() * 3) * 60);
            } else if ((inBlock + 3) % 4 !== callOffset) add('clinical', d, 7 * 60, 18 * 60 + Math.floor(random() * 3) * 60);
            break;
          case 'nights':
            if (weekday < 6) add('nightFloat', d, 19 * 60, 31 * 60);
            else add('education', d, 8 * 60, 12 * 60);
            break;
          case 'clinic':
            if (weekday < 5) add('clinical', d, 8 * 60, 17 * 60);
            else if (weekday === 5) {
              add('homeCall', d, 8 * 60, 24 * 60 + 8 * 60);
              if (random() < 0.5) add('homeCallActive', d, 22 * 60, 23 * 60 + 30);
            } else if (random() < 0.3) add('moonlightExternal', d, 9 * 60, 17 * 60);
            else add('education', d, 9 * 60, 11 * 60);
            break;
          case 'ed':
            if (weekday < 5) add('edClinical', d, weekday % 2 === 0 ? 7 * 60 : 19 * 60, weekday % 2 === 0 ? 19 * 60 : 31 * 60);
            else if (weekday === 5) add('education', d, 8 * 60, 13 * 60);
            break;
          case 'icu':
            add('clinical', d, 6 * 60, 18 * 60 + (weekday === 6 ? -6 * 60 : 0));
            break;
        }
        // Weekly noon conference on day rotations: overlaps clinical time, so it tests the union.
        if (weekday === 2 && (rotation === 'wards' || rotation === 'icu')) add('education', d, 12 * 60, 13 * 60);
      }
    }
    people.push({
      profile: { id: `R${String(r + 1).padStart(3, '0')}`, role: 'resident', pgy: 1 + (r % 3), specialty: em ? 'emergency-medicine' : 'internal-medicine' },
      assignments,
      absences,
      intervals,
    });
  }
  return { timeZone, workPeriodGapMinutes: 0, people };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function run(): void {
  const arg = process.argv.indexOf('--residents');
  const residents = arg > 0 ? Number(process.argv[arg + 1]) : 150;
  const program = generateProgram({ residents });
  const intervalCount = program.people.reduce((n, p) => n + p.intervals.length, 0);
  const out = (line: string): void => void process.stdout.write(line + '\n');
  out(`compliance bench: ${residents} residents, ${intervalCount} intervals, 13 blocks, ${program.timeZone}`);

  const full: number[] = [];
  let session: ComplianceSession | undefined;
  let resultCount = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    session = new ComplianceSession(program);
    resultCount = session.results().length;
    full.push(performance.now() - t0);
  }
  if (!session) throw new Error('no session');
  const violations = session.results().filter((r) => r.verdict === 'violation').length;
  const fullYearMs = median(full.slice(1));
  out(`full-year check: ${fullYearMs.toFixed(1)} ms median of ${full.length - 1} warm runs (first run ${(full[0] as number).toFixed(1)} ms); ${resultCount} results, ${violations} violations`);

  // One edit = one person's intervals replaced with one shift lengthened by an hour.
  const random = prng(7);
  const edits: number[] = [];
  const periods: number[] = [];
  for (let i = 0; i < 300; i++) {
    const person = program.people[Math.floor(random() * program.people.length)] as PersonSchedule;
    const intervals = person.intervals.slice();
    const k = Math.floor(random() * intervals.length);
    const target = intervals[k] as WorkInterval;
    intervals[k] = { ...target, end: target.end + 60 };
    const t0 = performance.now();
    const outcome = session.applyEdit(person.profile.id, intervals);
    edits.push(performance.now() - t0);
    periods.push(outcome.recheckedPeriods.length);
  }
  const oneEditMs = median(edits);
  out(`one-edit re-check: ${oneEditMs.toFixed(3)} ms median, ${percentile(edits, 95).toFixed(3)} ms p95 over ${edits.length} edits (${median(periods)} period(s) re-checked, median)`);
  out(`targets: full year <= 200 ms (${fullYearMs <= 200 ? 'met' : 'MISSED'}), one edit <= 10 ms (${oneEditMs <= 10 ? 'met' : 'MISSED'})`);
  out(
    JSON.stringify({
      residents,
      intervals: intervalCount,
      results: resultCount,
      fullYearMs: Number(fullYearMs.toFixed(2)),
      fullYearColdMs: Number((full[0] as number).toFixed(2)),
      oneEditMs: Number(oneEditMs.toFixed(4)),
      oneEditP95Ms: Number(percentile(edits, 95).toFixed(4)),
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) run();
