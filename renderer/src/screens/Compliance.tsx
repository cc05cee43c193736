import { useMemo, useState } from 'react';
import { FindingCard, ruleName } from '../components/FindingCard';
import { ALL_FINDINGS, filterFindings, sortFindings, type Finding, type FindingFilter } from '../lib/findings';
import { currentYear, useSchedule } from '../state/schedule';
import { useUi } from '../state/ui';

const PAGE = 100;

/** Violations and advisories of the year, filterable; each one jumps to its cell. */
export function CompliancePanel() {
  const findings = useSchedule((s) => s.findings);
  const peopleById = useSchedule((s) => s.peopleById);
  const rotationsById = useSchedule((s) => s.rotationsById);
  const year = useSchedule(currentYear);
  const checking = useSchedule((s) => s.checking);
  const checkedAt = useSchedule((s) => s.checkedAt);
  const refresh = useSchedule((s) => s.refreshCompliance);
  const jump = useUi((s) => s.jump);
  const [filter, setFilter] = useState<FindingFilter>(ALL_FINDINGS);
  const [shown, setShown] = useState(PAGE);

  const list = useMemo(() => sortFindings(filterFindings(findings, filter)), [findings, filter]);
  const rules = useMemo(() => [...new Set(findings.map((f) => f.ruleId))].sort(), [findings]);
  const people = useMemo(() => [...new Set(findings.map((f) => f.personId).filter((p): p is string => !!p))].map((id) => peopleById.get(id)).filter((p) => !!p).sort((a, b) => a.displayName.localeCompare(b.displayName)), [findings, peopleById]);
  const open = findings.filter((f) => !f.acknowledged);

  const blockFor = (f: Finding): string | null => {
    if (f.blockId) return f.blockId;
    const d = f.period?.[0];
    return year?.blocks.find((b) => d && b.startDate <= d && d <= b.endDate)?.id ?? null;
  };

  return (
    <section className="compliance" aria-labelledby="compliance-title">
      <div className="section-head">
        <h2 id="compliance-title">Compliance</h2>
        <p className="muted" aria-live="polite">
          {open.filter((f) => f.verdict === 'violation').length} open violation(s), {open.filter((f) => f.verdict === 'advisory').length} advisory(ies)
          {checkedAt && ` · ACGME check ${new Date(checkedAt).toLocaleTimeString()}`} {checking && '· checking…'}
        </p>
        <button type="button" onClick={() => void refresh()} disabled={checking}>
          Check now
        </button>
      </div>
      <div className="filters" role="search" aria-label="Filter findings">
        <label className="inline">
          <span>Verdict</span>
          <select value={filter.verdict} onChange={(e) => setFilter({ ...filter, verdict: e.target.value as FindingFilter['verdict'] })}>
            <option value="all">All</option>
            <option value="violation">Violations</option>
            <option value="advisory">Advisories</option>
          </select>
        </label>
        <label className="inline">
          <span>Source</span>
          <select value={filter.source} onChange={(e) => setFilter({ ...filter, source: e.target.value as FindingFilter['source'] })}>
            <option value="all">All</option>
            <option value="acgme">ACGME</option>
            <option value="program">Program rules</option>
          </select>
        </label>
        <label className="inline">
          <span>Status</span>
          <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as FindingFilter['status'] })}>
            <option value="open">Open</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="all">All</option>
          </select>
        </label>
        <label className="inline">
          <span>Rule</span>
          <select value={filter.ruleId ?? ''} onChange={(e) => setFilter({ ...filter, ruleId: e.target.value || null })}>
            <option value="">All</option>
            {rules.map((r) => (
              <option key={r} value={r}>
                {r} — {ruleName(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Person</span>
          <select value={filter.personId ?? ''} onChange={(e) => setFilter({ ...filter, personId: e.target.value || null })}>
            <option value="">Everyone</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.length === 0 ? (
        <p className="muted">Nothing matches these filters.</p>
      ) : (
        <ul className="finding-list" aria-label="Findings">
          {list.slice(0, shown).map((f) => {
            const person = f.personId ? peopleById.get(f.personId) : undefined;
            const rotation = f.rotationId ? rotationsById.get(f.rotationId) : undefined;
            const blockId = blockFor(f);
            return (
              <li key={f.key}>
                <FindingCard
                  finding={f}
                  personName={person?.displayName ?? rotation?.name}
                  onSelect={person ? () => jump(person.id, blockId) : undefined}
                />
              </li>
            );
          })}
        </ul>
      )}
      {list.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show more ({list.length - shown} left)
        </button>
      )}
    </section>
  );
}
