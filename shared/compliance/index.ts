/** Public surface of the ACGME compliance engine (pure: no Node, no DOM). See docs/compliance.md. */
export * from './model';
export { RULES, EXCEPTION_88H_CITATIONS, EM_PACK_VERSION, cprRuleSetFor } from './rules/catalog';
export { ComplianceSession, checkProgram, type EditOutcome, type NotEvaluated } from './session';
export { rollingEarlyWarnings, type EarlyWarning, type EarlyWarningOptions } from './early-warning';
export {
  complianceInputSchema,
  complianceOutputSchema,
  parseComplianceInput,
  toComplianceOutput,
  fieldPath,
  type ComplianceInput,
  type ComplianceOutput,
  type InputParse,
} from './interchange';
export { renderTextReport } from './report-text';
export { averagingWindows } from './periods';
export {
  isValidTimeZone,
  localToInstant,
  instantToLocal,
  startOfLocalDay,
  offsetAt,
  type Disambiguation,
  type LocalResolution,
} from './time/zone';
export { ZoneCalendar, calendarFor } from './time/calendar';
export { parseIsoDate, formatIsoDate } from './time/civil';
export { parseIsoInstant, formatUtcInstant } from './time/instant';
