import type { AuditActor } from '../../../shared/audit/entry';
import type { DemoSeedInput } from '../../../shared/contract/demo';
import { addDays, daysBetween } from '../../../shared/domain/common';
import type { Block } from '../../../shared/domain/schedule';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../clock';
import type { ScheduleService } from '../schedule/service';
import type { ScheduleStore } from '../schedule/store';
import {
  callTakers, demoPeople, demoRequirements, demoRotations, demoShiftTypes, facultyRotationKey, residentRotationKey,
  vacationBlockIndex, type DemoShape,
} from './plan';

export interface DemoWorkspace {
  store: ScheduleStore;
  service: ScheduleService;
}

export interface DemoSeedOutcome {
  yearId: string;
  people: number;
  rotations: number;
  blocks: number;
  assignments: number;
  shifts: number;
  absences: number;
  ms: number;
}

/** 1 July on or before today: US residency years start then. */
export function defaultYearStart(clock: Clock): string {
  const now = clock.now();
  const y = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return `${y}-07-01`;
}

/**
 * Writes the demo program through the scheduling services, so each record has its audit entry.
 * The whole seed runs in one enclosing transaction (each service unit becomes a savepoint): it
 * lands entirely or not at all, and it is one disk sync instead of thousands.
 */
export function seedDemo(ws: DemoWorkspace, actor: AuditActor, clock: Clock, input: Required<Pick<DemoSeedInput, 'residentsPerPgy' | 'halfBlocks'>> & Pick<DemoSeedInput, 'startDate'>): DemoSeedOutcome {
  const started = performance.now();
  const { store, service } = ws;
  if (store.people.all().length > 0 || store.years.all().length > 0 || store.rotations.all().length > 0) {
    throw new AppError('CONFLICT', 'The demo program can only be added to an empty program.');
  }
  const shape: DemoShape = { residentsPerPgy: input.residentsPerPgy, blockCount: 13, halfBlocks: input.halfBlocks };
  const startDate = input.startDate ?? defaultYearStart(clock);

  const run = store.db.transaction(() => {
    // The program keeps its own name and zone (from vault setup); the demo is internal medicine.
    if (!store.settings.get()) service.saveSettings(actor, { ...service.settings(), specialty: 'internal-medicine' });
    const personId = new Map<string, string>();
    const people = demoPeople(shape);
    for (const { key, ...p } of people) personId.set(key, service.savePerson(actor, p).id);

    const rotationId = new Map<string, string>();
    for (const { key, ...r } of demoRotations(shape)) rotationId.set(key, service.saveRotation(actor, r).id);

    const shiftTypeId = new Map<string, string>();
    for (const { key, rotationKey, ...t } of demoShiftTypes()) {
      shiftTypeId.set(key, service.saveShiftType(actor, { ...t, rotationId: rotationKey ? (rotationId.get(rotationKey) ?? null) : null }).id);
    }
    for (const r of demoRequirements()) service.saveRequirement(actor, r);

    const { year, blocks } = service.createAcademicYear(actor, {
      label: `${startDate.slice(0, 4)}-${String(Number(startDate.slice(2, 4)) + 1).padStart(2, '0')}`,
      startDate,
      blockCount: shape.blockCount,
      blockDays: 28,
      halfBlocks: shape.halfBlocks,
    });
    // Half blocks share their full block's rotation: index by block number.
    const fullIndex = (b: Block): number => b.number - 1;

    const residents = people.filter((p) => p.kind === 'resident');
    const faculty = people.filter((p) => p.kind === 'faculty');
    const items: Array<{ personId: string; blockId: string; rotationId: string }> = [];
    // onRotation[blockId][rotationKey] = person ids, in a stable order, for the call pools.
    const onRotation = new Map<string, Map<string, string[]>>();
    const put = (blockId: string, rKey: string, pId: string): void => {
      items.push({ personId: pId, blockId, rotationId: rotationId.get(rKey) as string });
      const byRot = onRotation.get(blockId) ?? new Map<string, string[]>();
      byRot.set(rKey, [...(byRot.get(rKey) ?? []), pId]);
      onRotation.set(blockId, byRot);
    };
    for (const b of blocks) {
      residents.forEach((r, i) => put(b.id, residentRotationKey(i, r.pgy ?? 1, fullIndex(b)), personId.get(r.key) as string));
      faculty.forEach((f, i) => put(b.id, facultyRotationKey(i, fullIndex(b)), personId.get(f.key) as string));
    }
    service.setBlockAssignments(actor, items);

    // One week of approved vacation each, on an outpatient block; two requests waiting for approval.
    const absentOn = new Map<string, Array<[string, string]>>();
    let absences = 0;
    const fullBlocks = blocks.filter((b) => b.half !== 'second');
    residents.forEach((r, i) => {
      const bi = vacationBlockIndex(i, r.pgy ?? 1, shape.blockCount);
      const block = bi === null ? undefined : fullBlocks[bi];
      if (!block) return;
      const from = addDays(block.startDate, 7);
      const to = addDays(block.startDate, 13);
      const pId = personId.get(r.key) as string;
      service.saveAbsence(actor, { personId: pId, type: 'vacation', startDate: from, endDate: to, status: 'approved', excludeFromAveraging: true, reason: 'Annual leave', notes: null, location: null });
      absentOn.set(pId, [[from, to]]);
      absences++;
    });
    const lastBlock = blocks[blocks.length - 1] as Block;
    const requests: Array<{ key: string; type: 'conference' | 'military_duty'; reason: string; location: string | null }> = [
      { key: 'R5', type: 'conference', reason: 'Presenting a poster at a regional meeting', location: null },
      { key: `R${shape.residentsPerPgy + 3}`, type: 'military_duty', reason: 'Reserve training (synthetic demo entry)', location: 'Training site (demo)' },
    ];
    const requested = new Set<string>();
    for (const req of requests) {
      const pId = personId.get(req.key);
      if (!pId || requested.has(pId)) continue;
      requested.add(pId);
      // The last block, or the one before it when the person's vacation falls in the last block.
      const from = (absentOn.get(pId) ?? []).some(([a]) => a >= lastBlock.startDate) ? addDays(lastBlock.startDate, -26) : addDays(lastBlock.startDate, 2);
      service.saveAbsence(actor, { personId: pId, type: req.type, startDate: from, endDate: addDays(from, 2), status: 'requested', excludeFromAveraging: req.type === 'military_duty', reason: req.reason, notes: null, location: req.location });
      absences++;
    }

    // A full year of call from the people on each rotation that day; nobody on call while on leave.
    const isAbsent = (pId: string, date: string): boolean => (absentOn.get(pId) ?? []).some(([a, z]) => a <= date && date <= z);
    const blockOn = (date: string): Block | undefined => blocks.find((b) => b.startDate <= date && date <= b.endDate);
    const pools: Array<{ shift: string; rotations: string[] }> = [
      { shift: 'WCALL', rotations: ['WARDA', 'WARDB'] },
      { shift: 'ICALL', rotations: ['MICU', 'CCU'] },
      { shift: 'NIGHT', rotations: ['NF'] },
    ];
    const facultyIds = faculty.map((f) => personId.get(f.key) as string);
    const startHour: Record<string, number> = { WCALL: 7, ICALL: 7, NIGHT: 19 };
    const lengthHours: Record<string, number> = { WCALL: 24, ICALL: 24, NIGHT: 12 };
    // Hours (from the year start) at which each person's last shift ends, and the rest it requires:
    // 14 h after a 24-hour call, 8 h otherwise. Checking it here keeps the demo ACGME-compliant
    // across block boundaries, where people change teams.
    const freeFrom = new Map<string, number>();
    const lastCallDay = new Map<string, number>();
    let shifts = 0;
    const days = daysBetween(year.startDate, year.endDate) + 1;
    for (let d = 0; d < days; d++) {
      const date = addDays(year.startDate, d);
      const block = blockOn(date);
      if (!block) continue;
      const byRot = onRotation.get(block.id);
      for (const pool of pools) {
        const start = d * 24 + (startHour[pool.shift] ?? 7);
        const long = (lengthHours[pool.shift] ?? 24) >= 24;
        // Residents only: faculty attend on these rotations but do not take resident call.
        const members = pool.rotations
          .flatMap((k) => byRot?.get(k) ?? [])
          .filter((id) => !facultyIds.includes(id) && !isAbsent(id, date))
          .filter((id) => start >= (freeFrom.get(id) ?? -Infinity))
          .filter((id) => !long || d - (lastCallDay.get(id) ?? -Infinity) >= 4);
        for (const pId of callTakers(pool.shift, d, members)) {
          service.assignShift(actor, { personId: pId, shiftTypeId: shiftTypeId.get(pool.shift) as string, date, disambiguation: 'earlier' });
          freeFrom.set(pId, start + (lengthHours[pool.shift] ?? 24) + (long ? 14 : 8));
          if (long) lastCallDay.set(pId, d);
          shifts++;
        }
      }
      service.assignShift(actor, { personId: facultyIds[d % facultyIds.length] as string, shiftTypeId: shiftTypeId.get('HOME') as string, date, disambiguation: 'earlier' });
      shifts++;
    }
    return { yearId: year.id, people: people.length, rotations: rotationId.size, blocks: blocks.length, assignments: items.length, shifts, absences };
  });
  const out = run.immediate();
  return { ...out, ms: Math.round(performance.now() - started) };
}
