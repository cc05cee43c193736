import type { z } from 'zod';
import type { ComplianceFinding } from '../contract/schedule';
import type { ProgramFinding } from './program-rules';

/** A compliance finding as every front door sees it (the contract's shape). */
export type Finding = z.infer<typeof ComplianceFinding>;

/** A program-rule finding in the wire shape, so the core's list and the renderer's local one match. */
export function fromProgramFinding(f: ProgramFinding): Finding {
  return {
    key: f.key,
    ruleId: f.ruleId,
    source: 'program',
    verdict: f.verdict,
    personId: f.personId,
    rotationId: f.rotationId,
    blockId: f.blockId,
    period: f.date ? [f.date, f.date] : null,
    citations: null,
    values: f.values,
    explanation: f.explanation,
    acknowledged: null,
  };
}
