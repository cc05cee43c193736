import { useCallback, useEffect, useState } from 'react';
import { canonicalJson } from '../../../shared/canonical-json';
import { saveFile } from '../lib/save-file';
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, type AuditFilter, type AuditFilterCriteria, type AuditRecord, type AuditVerifyReport } from '../../../shared/audit/index';
import { auditApi, auditExportAvailable, auditVerifyAvailable } from '../api/audit';
import { FormError } from '../components/Field';
import { actorText, diffRows } from '../lib/audit-diff';
import { messageOf } from '../lib/errors';
import { call, useCan } from '../state/session';
import { useSchedule } from '../state/schedule';

const AREAS = [...new Set(AUDIT_ACTION_NAMES.map((a) => `${a.split('.')[0]}.`))].sort();

function Detail({ record }: { record: AuditRecord }) {
  const e = record.entry;
  const peopleById = useSchedule((s) => s.peopleById);
  const rotationsById = useSchedule((s) => s.rotationsById);
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const years = useSchedule((s) => s.years);
  // Ids in before/after are shown with the name they stand for, when this program still has it.
  const name = (field: string, value: string): string => {
    const found =
      field === 'rotationId' ? rotationsById.get(value)?.shortName
      : field === 'personId' ? peopleById.get(value)?.displayName
      : field === 'shiftTypeId' ? shiftTypes.find((t) => t.id === value)?.shortName
      : field === 'blockId' ? years.flatMap((y) => y.blocks).find((b) => b.id === value)?.label
      : undefined;
    return found ? `${found} (${value.slice(0, 8)})` : value;
  };
  if (!e) return <p className="muted">This entry's content was removed by the retention policy; its hash still proves its place in the log.</p>;
  const rows = diffRows(e);
  return (
    <div className="audit-detail" data-testid="audit-detail">
      <h3>
        #{record.seq} · {e.action}
      </h3>
      <p className="small muted">{AUDIT_ACTIONS[e.action]}</p>
      <dl className="kv">
        <dt>When</dt>
        <dd>{new Date(e.time).toLocaleString()}</dd>
        <dt>Who</dt>
        <dd>{actorText(e)}</dd>
        <dt>Record</dt>
        <dd>
          {e.resource.type} {e.resource.id ?? ''}
        </dd>
        {e.subject && (
          <>
            <dt>About</dt>
            <dd>{peopleById.get(e.subject)?.displayName ?? e.subject}</dd>
          </>
        )}
        <dt>Outcome</dt>
        <dd>{e.outcome}</dd>
        {e.reason && (
          <>
            <dt>Reason</dt>
            <dd>{e.reason}</dd>
          </>
        )}
      </dl>
      {rows.length > 0 && (
        <table className="records diff">
          <caption>Changed fields</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field} className={`diff-${r.kind}`}>
                <th scope="row">{r.field}</th>
                <td>{name(r.field, r.before)}</td>
                <td>{name(r.field, r.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small muted">Leaf hash {record.leafHash}</p>
    </div>
  );
}

/** A search's criteria without its paging: what an export of the same view takes. */
function exportCriteria({ beforeSeq: _cursor, limit: _limit, ...criteria }: AuditFilter): AuditFilterCriteria {
  return criteria;
}

/** The audit trail: search newest first, filter, open an entry to see its before and after. */
export function AuditViewer() {
  const canExport = useCan('audit.export');
  const people = useSchedule((s) => s.people);
  const [filter, setFilter] = useState<{ area: string; personId: string; outcome: string; from: string; to: string }>({ area: '', personId: '', outcome: '', from: '', to: '' });
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [chosen, setChosen] = useState<AuditRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<AuditVerifyReport | null>(null);

  const toFilter = useCallback(
    (beforeSeq?: number): AuditFilter => ({
      ...(filter.area ? { actionPrefix: filter.area } : {}),
      ...(filter.personId ? { personId: filter.personId } : {}),
      ...(filter.outcome ? { outcome: filter.outcome as 'success' | 'denied' | 'failed' } : {}),
      ...(filter.from ? { from: new Date(`${filter.from}T00:00:00`).toISOString() } : {}),
      ...(filter.to ? { to: new Date(`${filter.to}T23:59:59`).toISOString() } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      limit: 50,
    }),
    [filter],
  );
  const search = useCallback(async () => {
    setError(null);
    try {
      const page = await call(auditApi.search(toFilter()));
      setRecords(page.records);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [toFilter]);
  useEffect(() => {
    void search();
  }, [search]);
  const more = async () => {
    if (cursor === null) return;
    try {
      const page = await call(auditApi.search(toFilter(cursor)));
      setRecords((r) => [...r, ...page.records]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="audit" aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">Audit trail</h2>
        {auditVerifyAvailable() && (
          <button type="button" onClick={() => void call(auditApi.verify()).then(setVerify, (err: unknown) => setError(messageOf(err)))}>
            Verify the trail
          </button>
        )}
        {canExport && auditExportAvailable() && (
          <button
            type="button"
            onClick={() =>
              // The export covers what the filters above show (the manifest records them): a trail over
              // the app's cap of 100,000 entries is exported in parts, or whole with rsched audit export.
              void call(auditApi.export({ format: 'json', filter: exportCriteria(toFilter()) })).then((out) => {
                // Three files, as `rsched audit verify-export --data --manifest --signature` reads them:
                // the manifest's bytes are its canonical JSON, exactly what the device signed.
                saveFile(out.fileName, out.data, 'application/json');
                saveFile(`${out.fileName}.manifest.json`, canonicalJson(out.manifest), 'application/json');
                saveFile(`${out.fileName}.sig`, out.signature, 'text/plain');
                setError(null);
              }, (err: unknown) => setError(messageOf(err)))
            }
          >
            Export
          </button>
        )}
      </div>
      {verify && (
        <p role="status" className={verify.ok ? '' : 'error'}>
          {verify.ok ? `Verified: ${verify.size} entries, ${verify.checkpointsVerified} signed checkpoints.` : `Problems found: ${verify.problems.map((p) => p.message).join('; ')}`}
        </p>
      )}
      <div className="filters" role="search" aria-label="Filter the audit trail">
        <label className="inline">
          <span>Area</span>
          <select value={filter.area} onChange={(e) => setFilter({ ...filter, area: e.target.value })}>
            <option value="">All</option>
            {AREAS.map((a) => (
              <option key={a} value={a}>
                {a.slice(0, -1)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>About person</span>
          <select value={filter.personId} onChange={(e) => setFilter({ ...filter, personId: e.target.value })}>
            <option value="">Anyone</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span>Outcome</span>
          <select value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value })}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="denied">Denied</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label className="inline">
          <span>From</span>
          <input type="date" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} />
        </label>
        <label className="inline">
          <span>To</span>
          <input type="date" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} />
        </label>
      </div>
      <FormError text={error} />
      <div className="two-col">
        <div className="table-wrap">
          <table className="records" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Who</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.seq} className={chosen?.seq === r.seq ? 'chosen' : ''}>
                  <td>{r.seq}</td>
                  <td>{r.entry ? new Date(r.entry.time).toLocaleString() : ''}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setChosen(r)} data-action={r.entry?.action}>
                      {r.entry?.action ?? 'removed'}
                    </button>
                  </td>
                  <td>{r.entry ? actorText(r.entry) : ''}</td>
                  <td>{r.entry?.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor !== null && (
            <button type="button" onClick={() => void more()}>
              Older entries
            </button>
          )}
        </div>
        <div>{chosen ? <Detail record={chosen} /> : <p className="muted">Choose an entry to see what changed.</p>}</div>
      </div>
    </section>
  );
}
