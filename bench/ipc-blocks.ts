import { cpus, loadavg } from 'node:os';
import { ImportPreview } from '../shared/contract/exchange';
import type { Caller } from '../electron/core/session';
import { setUpSignedInAdmin, startBenchCore } from './lib/core';
import { measure, watched } from './lib/event-loop';

/**
 * npm run bench -- ipc-blocks [--rows N] [--residents N] [--accepts N]
 *
 * The two heaviest coordinator calls after a solve, through the dispatcher as the app runs them, on
 * the demo program (--residents per PGY, default 12): import.preview of a people file of N new people (default
 * 19,999: with its header line, the 20,000-row import limit) and generate.accept of a month of call
 * (--accepts rounds, default 3, each accepting a fresh solve with another seed over the last one;
 * the JSON's generateAccept is the round with the longest block), then audit.export of the whole
 * trail as JSON (an inclusion proof per entry), after a resident's block-swap request (its compliance
 * trial checks the year twice). For each: the awaited time and
 * the longest block of the main thread's event loop while it ran (the 1 ms timer chain of
 * bench/vault-keys.ts; a gap of g ms means the loop was blocked about g - 1 ms). Target: no block
 * over 50 ms. Noise floor: the longest block during 1 s of idling just before each call (background
 * work of earlier calls, garbage collection, a loaded machine). Attribution: the dispatcher's output check of the preview (zod, on the main thread),
 * timed alone on the returned value. Last line: one JSON object.
 */
const args = process.argv.slice(2);
const rowsArg = args.indexOf('--rows');
const ROWS = rowsArg >= 0 ? Math.max(1, Number(args[rowsArg + 1]) || 19_999) : 19_999;
const residentsArg = args.indexOf('--residents');
const RESIDENTS = residentsArg >= 0 ? Math.min(100, Math.max(1, Number(args[residentsArg + 1]) || 12)) : 12;
const acceptsArg = args.indexOf('--accepts');
const ACCEPTS = acceptsArg >= 0 ? Math.min(10, Math.max(1, Number(args[acceptsArg + 1]) || 3)) : 3;

const bench = startBenchCore('ipc');
const { ok } = bench;

/** A people file of `n` people the program does not know yet (distinct names and emails). */
function newPeopleCsv(n: number): string {
  const first = ['Ada', 'Bram', 'Chioma', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Idris', 'Juno', 'Kofi', 'Lior', 'Mirela', 'Nadia', 'Oskar', 'Priya'];
  const last = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Haddad', 'Novak', 'Quispe', 'Ruiz', 'Schmidt', 'Varga', 'Wojcik', 'Yilmaz'];
  const lines = ['Name,Email,PGY,Type'];
  for (let i = 0; i < n; i++) {
    const name = `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]}-${i}`;
    lines.push(`${name},new.person.${i}@example.org,${(i % 3) + 1},resident`);
  }
  return lines.join('\n') + '\n';
}

try {
  await setUpSignedInAdmin(bench);
  const seeded = await ok<{ people: number; shifts: number }>('demo.seed', { startDate: '2026-07-01', residentsPerPgy: RESIDENTS });

  const csv = newPeopleCsv(ROWS);
  const dataBase64 = Buffer.from(csv).toString('base64');
  const idle = (): Promise<{ ms: number; longestBlockMs: number }> => watched(() => new Promise<void>((resolve) => setTimeout(resolve, 1000)));
  const idleBeforePreview = await idle();
  const [preview, previewValue] = await measure(() => ok<{ counts: Record<string, number> }>('import.preview', { kind: 'people', dataBase64 }));
  const checkStarted = performance.now();
  ImportPreview.parse(previewValue);
  const outputCheckMs = Math.round(performance.now() - checkStarted);

  const rotations = await ok<Array<{ id: string; shortName: string }>>('rotations.list', {});
  const shiftTypes = await ok<Array<{ id: string; shortName: string }>>('shiftTypes.list', {});
  const rot = (s: string): string => rotations.find((r) => r.shortName === s)!.id;
  const st = (s: string): string => shiftTypes.find((t) => t.shortName === s)!.id;
  const coverage = [
    { shiftTypeId: st('W24'), minPerDay: 1, rotationIds: [rot('WARD-A'), rot('WARD-B')] },
    { shiftTypeId: st('I24'), minPerDay: 1, rotationIds: [rot('MICU'), rot('CCU')] },
    { shiftTypeId: st('NF'), minPerDay: 2 },
  ];
  const rounds: Array<{ idle: { ms: number; longestBlockMs: number }; accept: { ms: number; longestBlockMs: number }; applied: number; auditEntries: number }> = [];
  for (let round = 0; round < ACCEPTS; round++) {
    const call = await ok<{ previewId: string; shifts: unknown[] }>('generate.call', { from: '2026-07-01', to: '2026-07-31', holidays: ['2026-07-03'], coverage, seed: 3 + round, maxIterations: 120_000, timeLimitMs: 60_000 });
    const idleBefore = await idle();
    const [accept, acceptValue] = await measure(() => ok<{ applied: number; auditEntries: number }>('generate.accept', { previewId: call.previewId }));
    rounds.push({ idle: idleBefore, accept, applied: acceptValue.applied, auditEntries: acceptValue.auditEntries });
  }
  const worst = rounds.reduce((a, b) => (b.accept.longestBlockMs > a.accept.longestBlockMs ? b : a));

  // A resident asks a colleague to swap block 1: the request's compliance trial checks the whole
  // year as it is and as the swap would leave it.
  const people = await ok<Array<{ id: string; kind: string; pgy: number | null }>>('people.list', {});
  const [requester, counterpart] = people.filter((x) => x.kind === 'resident' && x.pgy === 1);
  const years = await ok<Array<{ blocks: Array<{ id: string }> }>>('years.list', {});
  const created = await ok<{ temporaryPassword: string }>('users.create', { username: 'bench.resident', displayName: 'Bench Resident', email: 'resident@example.org', role: 'resident', personId: requester!.id });
  const resident: Caller = { clientId: 'bench-resident', transport: 'in-process' };
  await ok('auth.login', { username: 'bench.resident', password: created.temporaryPassword }, resident);
  const residentNotice = await ok<{ version: string }>('auth.notice', {}, resident);
  await ok('auth.acceptNotice', { version: residentNotice.version }, resident);
  await ok('auth.changePassword', { currentPassword: created.temporaryPassword, newPassword: 'velvet harbor quartz meadow 41' }, resident);
  const idleBeforeSwap = await idle();
  const [swapRequest] = await measure(() => ok('swaps.request', { kind: 'block', blockId: years[0]!.blocks[0]!.id, counterpartPersonId: counterpart!.id }, resident));

  // The compliance officer's export of the whole trail (everything above was audited), JSON with
  // an inclusion proof per entry: the heaviest audit call.
  const idleBeforeExport = await idle();
  const [auditExport, exported] = await measure(() => ok<{ manifest: { count: number } }>('audit.export', { format: 'json', filter: {} }));

  const figures = {
    people: seeded.people,
    importRows: ROWS,
    importNew: previewValue.counts.new ?? 0,
    importPreview: preview,
    importPreviewOutputCheckMs: outputCheckMs,
    idleBeforePreviewLongestBlockMs: idleBeforePreview.longestBlockMs,
    acceptShiftWrites: worst.applied,
    acceptAuditEntries: worst.auditEntries,
    generateAccept: worst.accept,
    idleBeforeAcceptLongestBlockMs: worst.idle.longestBlockMs,
    generateAcceptRounds: rounds.map((r) => ({ shiftWrites: r.applied, ...r.accept, idleLongestBlockMs: r.idle.longestBlockMs })),
    swapRequest,
    idleBeforeSwapLongestBlockMs: idleBeforeSwap.longestBlockMs,
    auditExportEntries: exported.manifest.count,
    auditExport,
    idleBeforeExportLongestBlockMs: idleBeforeExport.longestBlockMs,
    cpus: cpus().length,
    load1: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  const line = (name: string, f: { ms: number; longestBlockMs: number }): string => `${name.padEnd(40)} ${String(f.ms).padStart(6)} ms awaited, longest event-loop block ${f.longestBlockMs} ms`;
  process.stdout.write(
    `demo program of ${seeded.people} people\n` +
      [
        line('idle 1 s (noise floor)', idleBeforePreview),
        line(`import.preview (${ROWS} rows, ${figures.importNew} new)`, preview),
        `  of which the dispatcher's output check of ${ROWS} preview rows: ${outputCheckMs} ms`,
        ...rounds.flatMap((r, i) => [line('idle 1 s (noise floor)', r.idle), line(`generate.accept ${i + 1} (${r.applied} shift writes)`, r.accept)]),
        line('idle 1 s (noise floor)', idleBeforeSwap),
        line('swaps.request (block swap, compliance trial)', swapRequest),
        line('idle 1 s (noise floor)', idleBeforeExport),
        line(`audit.export (JSON, ${exported.manifest.count} entries)`, auditExport),
      ].join('\n') +
      `\n(load ${figures.load1} on ${figures.cpus} CPUs)\n${JSON.stringify(figures)}\n`,
  );
} finally {
  bench.stop();
}
