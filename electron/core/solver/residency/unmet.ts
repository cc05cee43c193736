import type { ProgramFinding } from '../../../../shared/domain/program-rules';

/**
 * A hard rule the returned schedule does not meet, explained: which rule, where (person, block,
 * rotation, dates) and by how much (values). Produced by the final checks, never by the search's
 * own approximations, so what a coordinator reads is what the compliance engine and program rules say.
 */
export interface UnmetRule {
  ruleId: string;
  /** acgme: the compliance engine; program: program rules; generator: rules only the generator states. */
  source: 'acgme' | 'program' | 'generator';
  personId: string | null;
  blockId: string | null;
  rotationId: string | null;
  /** Inclusive local dates. */
  period: [string, string] | null;
  values: Record<string, number | null>;
  explanation: string;
}

export function fromProgramFinding(f: ProgramFinding): UnmetRule {
  return {
    ruleId: f.ruleId,
    source: 'program',
    personId: f.personId,
    blockId: f.blockId,
    rotationId: f.rotationId,
    period: f.date ? [f.date, f.date] : null,
    values: f.values,
    explanation: f.explanation,
  };
}
