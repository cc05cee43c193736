import type { NotEvaluated } from './session';
import type { RuleResult, Verdict } from './model';
import { plural } from './format';

/** Plain-text report for people (rsched check --format text); the JSON output is the interchange. */

const LABEL: Record<Verdict, string> = { violation: 'VIOLATION', advisory: 'advisory', compliant: 'ok' };

export interface TextReportHeader {
  timeZone: string;
  period: [string, string];
}

export function renderTextReport(
  header: TextReportHeader,
  results: readonly RuleResult[],
  notEvaluated: readonly NotEvaluated[],
): string {
  const lines: string[] = [
    `ACGME work-hour check, period ${header.period[0]}..${header.period[1]} (${header.timeZone})`,
  ];
  const ruleWidth = Math.max(8, ...results.map((r) => r.ruleId.length));
  let person = '';
  for (const r of results) {
    if (r.personId !== person) {
      person = r.personId;
      lines.push('', `${person}:`);
    }
    const span = r.period[0] === header.period[0] && r.period[1] === header.period[1] ? '' : ` [${r.period[0]}..${r.period[1]}]`;
    lines.push(
      `  ${LABEL[r.verdict].padEnd(9)} ${r.ruleId.padEnd(ruleWidth)} ${r.explanation}${span}  (${r.citations.cpr2023} / ${r.citations.cpr2025})`,
    );
  }
  if (notEvaluated.length > 0) {
    lines.push('', 'Not evaluated:');
    for (const n of notEvaluated) lines.push(`  ${n.personId}: ${n.reason}`);
  }
  const count = (v: Verdict): number => results.filter((r) => r.verdict === v).length;
  const people = new Set(results.map((r) => r.personId)).size;
  lines.push(
    '',
    `Summary: ${plural(count('violation'), 'violation')}, ${plural(count('advisory'), 'advisory', 'advisories')}, ` +
      `${count('compliant')} compliant, for ${plural(people, 'person', 'people')}.`,
  );
  return lines.join('\n') + '\n';
}
