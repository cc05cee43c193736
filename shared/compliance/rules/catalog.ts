import { parseIsoDate } from '../time/civil';
import type { Citations, CprRuleSetId, RuleId, Severity } from '../model';

export interface RuleDef {
  id: RuleId;
  citations: Citations;
  severity: Severity;
  title: string;
  /** Which rule set versions it belongs to; the EM pack is versioned on its own. */
  pack: 'CPR' | 'EM';
}

/** The EM requirement wording has not been verified against the current EM program requirements. */
const EM_CITATION: Citations = {
  cpr2023: 'EM program requirements (section not verified)',
  cpr2025: 'EM program requirements (section not verified)',
};

export const RULES: Readonly<Record<RuleId, RuleDef>> = {
  'CPR-80H': {
    id: 'CPR-80H',
    citations: { cpr2023: 'VI.F.1', cpr2025: '6.20' },
    severity: 'core',
    title: 'At most 80 hours per week, averaged over the rotation (four weeks)',
    pack: 'CPR',
  },
  'CPR-8H': {
    id: 'CPR-8H',
    citations: { cpr2023: 'VI.F.2.a)', cpr2025: '6.21' },
    severity: 'detail',
    title: 'Should have 8 hours off between scheduled work periods (advisory)',
    pack: 'CPR',
  },
  'CPR-14H': {
    id: 'CPR-14H',
    citations: { cpr2023: 'VI.F.2.b)', cpr2025: '6.21.a' },
    severity: 'core',
    title: 'At least 14 hours free after 24 hours of in-house call',
    pack: 'CPR',
  },
  'CPR-1IN7': {
    id: 'CPR-1IN7',
    citations: { cpr2023: 'VI.F.2.c)', cpr2025: '6.21.b' },
    severity: 'core',
    title: 'One day in seven free of work and at-home call, averaged over the rotation',
    pack: 'CPR',
  },
  'CPR-24H': {
    id: 'CPR-24H',
    citations: { cpr2023: 'VI.F.3.a)', cpr2025: '6.22' },
    severity: 'core',
    title: 'At most 24 hours of continuous scheduled clinical assignments',
    pack: 'CPR',
  },
  'CPR-24P4': {
    id: 'CPR-24P4',
    citations: { cpr2023: 'VI.F.3.a).(1)', cpr2025: '6.22.a' },
    severity: 'core',
    title: 'Up to 4 more hours for transitions and education only',
    pack: 'CPR',
  },
  'CPR-ML-PGY1': {
    id: 'CPR-ML-PGY1',
    citations: { cpr2023: 'VI.F.5.c)', cpr2025: '6.25.b' },
    severity: 'core',
    title: 'PGY-1 residents may not moonlight',
    pack: 'CPR',
  },
  'CPR-Q3': {
    id: 'CPR-Q3',
    citations: { cpr2023: 'VI.F.7', cpr2025: '6.27' },
    severity: 'core',
    title: 'In-house call no more often than every third night, averaged over the rotation',
    pack: 'CPR',
  },
  'CPR-HOME': {
    id: 'CPR-HOME',
    citations: { cpr2023: 'VI.F.8.a)', cpr2025: '6.28' },
    severity: 'core',
    title: 'At-home call: active time counts toward 80 hours; must satisfy one day in seven',
    pack: 'CPR',
  },
  'EM-12H': {
    id: 'EM-12H',
    citations: EM_CITATION,
    severity: 'specialty',
    title: 'Each ED shift at most 12 continuous scheduled hours',
    pack: 'EM',
  },
  'EM-REST': {
    id: 'EM-REST',
    citations: EM_CITATION,
    severity: 'specialty',
    title: 'Time off after an ED shift at least as long as the shift',
    pack: 'EM',
  },
  'EM-60H': {
    id: 'EM-60H',
    citations: EM_CITATION,
    severity: 'specialty',
    title: 'At most 60 scheduled ED hours per week',
    pack: 'EM',
  },
  'EM-72H': {
    id: 'EM-72H',
    citations: EM_CITATION,
    severity: 'specialty',
    title: 'At most 72 total hours per week',
    pack: 'EM',
  },
  'EM-1IN7': {
    id: 'EM-1IN7',
    citations: EM_CITATION,
    severity: 'specialty',
    title: 'One free 24-hour period in every 7-day week (not averaged)',
    pack: 'EM',
  },
};

/** The 88-hour exception is not a rule of its own: it raises the CPR-80H limit for one rotation. */
export const EXCEPTION_88H_CITATIONS: Citations = { cpr2023: 'VI.F.4.c)', cpr2025: '6.24' };

/** Version of the EM rule pack; bump when its wording is verified or changed. */
export const EM_PACK_VERSION = 'EM-1';

const CPR_2025_FROM = parseIsoDate('2025-07-01') as number;

/**
 * The renumbered requirements took effect on 2025-07-01 with unchanged content, so the rule set is
 * chosen by the period's first day unless the program pins one.
 */
export function cprRuleSetFor(periodStartDay: number, pinned?: CprRuleSetId): CprRuleSetId {
  if (pinned) return pinned;
  return periodStartDay >= CPR_2025_FROM ? 'CPR-2025' : 'CPR-2023';
}
