import { checkProgramRules } from '../../../../../shared/domain/program-rules';
import type { BlockAssignment } from '../../../../../shared/domain/schedule';
import { Rng } from '../../engine/rng';
import { runResidencySearch, type ResidencyProgress } from '../search';
import { fromProgramFinding, type UnmetRule } from '../unmet';
import { BlockModel } from './model';
import { blockMoves, initialBlocks } from './moves';
import { BLOCK_WEIGHTS, compileBlocks, type BlockSolveInput, type CompiledBlocks } from './problem';

export interface SolveLimits {
  seed: number;
  maxIterations: number;
  timeLimitMs: number;
  stopFlag?: Int32Array;
  onProgress?: (p: ResidencyProgress) => void;
}

export interface ProposedBlockCell {
  personId: string;
  blockId: string;
  /** null: no rotation (only on leave when no leave rotation fits). */
  rotationId: string | null;
}

export interface SearchStats {
  iterations: number;
  elapsedMs: number;
  firstFeasibleMs: number | null;
  /** Graded hard violation of the model at the end (0 = every modelled rule holds). */
  modelHard: number;
  objective: number;
  stopped: boolean;
}

export interface BlockSolveResult {
  cells: ProposedBlockCell[];
  unmet: UnmetRule[];
  stats: SearchStats;
}

const BLOCK_RULES = new Set(['PRG-CAPACITY', 'PRG-ELIGIBILITY', 'PRG-CREDENTIAL', 'PRG-CURRICULUM', 'PRG-SUPERVISION']);

/** Solves the annual rotation schedule, then checks the answer with the program rules. */
export async function solveBlocks(input: BlockSolveInput, limits: SolveLimits): Promise<BlockSolveResult> {
  const m = compileBlocks(input);
  const model = new BlockModel(m);
  const initial = initialBlocks(m, new Rng(limits.seed ^ 0x5bd1e995));
  const r = await runResidencySearch(model, initial, blockMoves(m), [4, 3, 2], {
    seed: limits.seed,
    maxIterations: limits.maxIterations,
    timeLimitMs: limits.timeLimitMs,
    ...(limits.stopFlag ? { stopFlag: limits.stopFlag } : {}),
    ...(limits.onProgress ? { onProgress: limits.onProgress } : {}),
    phaseIterations: 40_000,
    // Hard rules come first: in repair mode a hard unit must outweigh the churn of the few changes
    // that fix it, or the search would keep the violation to save changes.
    hardWeight: m.mode === 'repair' ? 20 * BLOCK_WEIGHTS.churn : 50,
    t0: 8,
    t1: 0.05,
    patience: 6,
  });
  const cells: ProposedBlockCell[] = [];
  for (let p = 0; p < m.P; p++) {
    for (let b = 0; b < m.B; b++) {
      const v = r.values[p * m.B + b]!;
      cells.push({ personId: m.personIds[p]!, blockId: m.blockIds[b]!, rotationId: v < m.R ? m.rotationIds[v]! : null });
    }
  }
  return {
    cells,
    unmet: explainBlocks(input, m, cells),
    stats: { iterations: r.iterations, elapsedMs: r.elapsedMs, firstFeasibleMs: r.firstFeasibleMs, modelHard: r.hard, objective: r.soft, stopped: r.stopped },
  };
}

/**
 * The final verdict on a proposed year: the program rules (capacity, eligibility, credentials,
 * curriculum, supervision) over the proposal plus everyone the generator does not schedule (faculty,
 * inactive people keep their rows), and the two rules only the generator states: every trainee has a
 * rotation in every block, and nobody on leave for most of a block is put on a working rotation.
 */
export function explainBlocks(input: BlockSolveInput, m: CompiledBlocks, cells: readonly ProposedBlockCell[]): UnmetRule[] {
  const s = input.snapshot;
  const scheduled = new Set(m.personIds);
  const kept = s.current.filter((a) => !scheduled.has(a.personId));
  const proposed: BlockAssignment[] = cells
    .filter((c): c is ProposedBlockCell & { rotationId: string } => c.rotationId !== null)
    .map((c, i) => ({ id: `proposed-${i}`, personId: c.personId, blockId: c.blockId, rotationId: c.rotationId, pinned: false }));
  const findings = checkProgramRules({
    people: s.people.filter((p) => p.active),
    rotations: s.rotations,
    blocks: s.blocks,
    blockAssignments: [...kept, ...proposed],
    shiftTypes: [],
    shiftAssignments: [],
    absences: s.absences,
    credentials: s.credentials,
    curriculum: s.curriculum,
  });
  const unmet = findings.filter((f) => f.verdict === 'violation' && BLOCK_RULES.has(f.ruleId)).map(fromProgramFinding);
  const blocks = new Map(s.blocks.map((b) => [b.id, b]));
  const rotations = new Map(s.rotations.map((r) => [r.id, r]));
  cells.forEach((c, i) => {
    const block = blocks.get(c.blockId);
    if (!block) return;
    const leave = m.onLeave[i] === 1;
    const period: [string, string] = [block.startDate, block.endDate];
    if (c.rotationId === null && !leave) {
      unmet.push({ ruleId: 'GEN-UNASSIGNED', source: 'generator', personId: c.personId, blockId: c.blockId, rotationId: null, period, values: {}, explanation: `no eligible rotation could be given in ${block.label}` });
    }
    const rotation = c.rotationId ? rotations.get(c.rotationId) : undefined;
    if (leave && rotation && rotation.setting !== 'leave') {
      unmet.push({
        ruleId: 'GEN-LEAVE', source: 'generator', personId: c.personId, blockId: c.blockId, rotationId: rotation.id, period, values: {},
        explanation: `on approved leave for most of ${block.label} but assigned to ${rotation.shortName}`,
      });
    }
  });
  return unmet;
}
