import { useState } from 'react';
import type { z } from 'zod';
import type { ImportPreview } from '../../../shared/contract/exchange';
import { IMPORT_KINDS, type ImportKind } from '../../../shared/exchange/import-fields';
import { api } from '../api/client';
import { FormError } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { useSchedule } from '../state/schedule';
import { call } from '../state/session';

type Preview = z.infer<typeof ImportPreview>;

const KIND_LABELS: Record<ImportKind, string> = {
  people: 'People (residents, faculty)',
  rotations: 'Rotations',
  absences: 'Absences and leave',
  assignments: 'Block assignments (rotation per block)',
};
const RELOAD: Record<ImportKind, 'people' | 'rotations' | 'absences' | 'years'> = { people: 'people', rotations: 'rotations', absences: 'absences', assignments: 'years' };
/** Rows shown in the preview table; the counts cover the whole file. */
const SHOWN_ROWS = 300;

/** Reads a chosen file as base64 without ever giving the page a path. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

/**
 * Import from CSV, XLSX or JSON: the core checks the file and lists what each row would do; nothing
 * is written until the coordinator confirms, and then it is one audited change set.
 */
export function ImportPanel() {
  const yearId = useSchedule((s) => s.yearId);
  const reloadList = useSchedule((s) => s.reloadList);
  const [kind, setKind] = useState<ImportKind>('people');
  const [preview, setPreview] = useState<Preview | null>(null);
  const { busy, error, run } = useFormAction();
  const [message, setMessage] = useState<string | null>(null);

  const choose = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setMessage(null);
    setPreview(null);
    await run(async () => {
      const dataBase64 = await readBase64(file);
      setPreview(await call(api.import.preview({ kind, dataBase64, ...(kind === 'assignments' && yearId ? { yearId } : {}) })));
    });
  };

  const confirm = async (): Promise<void> => {
    if (!preview) return;
    await run(async () => {
      const r = await call(api.import.confirm({ previewId: preview.previewId }));
      setMessage(`Imported: ${r.created} new, ${r.updated} updated, ${r.skipped} skipped.`);
      setPreview(null);
      await reloadList(RELOAD[r.kind]);
    });
  };

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <div className="card">
        <label>
          What the file holds
          <select value={kind} onChange={(e) => setKind(e.target.value as ImportKind)} disabled={busy}>
            {IMPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          File (CSV, Excel workbook or JSON)
          <input type="file" accept=".csv,.xlsx,.json,text/csv,application/json" disabled={busy} onChange={(e) => void choose(e.target.files?.[0])} />
        </label>
        <p className="muted">Nothing is saved until you confirm. Files with formulas, hidden tricks or too many rows are refused.</p>
      </div>
      <FormError text={error} />
      {message && <p role="status">{message}</p>}
      {preview && (
        <div className="card" data-testid="import-preview">
          <p>
            {preview.counts.new} new, {preview.counts.update} to update, {preview.counts.unchanged} unchanged, {preview.counts.unmatched} unmatched,{' '}
            {preview.counts.invalid} invalid.
          </p>
          <table className="records" aria-label="Import preview">
            <thead>
              <tr>
                <th>Row</th>
                <th>Status</th>
                <th>What it does</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.slice(0, SHOWN_ROWS).map((r) => (
                <tr key={`${r.row}-${r.column ?? ''}`} data-status={r.status}>
                  <td>{r.row}{r.column ? ` / ${r.column}` : ''}</td>
                  <td>{r.status}</td>
                  <td>{r.summary}</td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions left">
            <button type="button" disabled={busy || preview.counts.new + preview.counts.update === 0} onClick={() => void confirm()}>
              Confirm the import
            </button>
            <button type="button" disabled={busy} onClick={() => setPreview(null)}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
