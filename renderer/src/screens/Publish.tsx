import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { VersionInfo } from '../../../shared/contract/exchange';
import { EXPORT_FORMATS } from '../../../shared/contract/exchange';
import { api, CallError } from '../api/client';
import { FormError } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { messageOf } from '../lib/errors';
import { fromBase64, saveFile } from '../lib/save-file';
import { useSchedule } from '../state/schedule';
import { call, useCan } from '../state/session';

type Version = z.infer<typeof VersionInfo>;

const FORMAT_LABELS: Record<(typeof EXPORT_FORMATS)[number], string> = {
  xlsx: 'Excel workbook (a sheet per block and a year overview)',
  csv: 'CSV table',
  ics: 'iCalendar (calendar apps)',
  pdf: 'PDF, one page per block',
};

/** Publishing versions of the year's schedule, rolling back, and exporting files. */
export function PublishPanel() {
  const yearId = useSchedule((s) => s.yearId);
  const canPublish = useCan('schedule.publish');
  const canExport = useCan('export.schedule');
  const [versions, setVersions] = useState<Version[]>([]);
  const [note, setNote] = useState('');
  const [confirm, setConfirm] = useState<string | null>(null);
  const { busy, error, setError, run } = useFormAction();
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('xlsx');
  const [paper, setPaper] = useState<'letter' | 'a4'>('letter');

  const refresh = useCallback(() => {
    if (!yearId) return;
    call(api.versions.list({ yearId })).then(setVersions, (err: unknown) => setError(messageOf(err)));
  }, [yearId]);
  useEffect(refresh, [refresh]);

  const publish = async (confirmChurn: boolean): Promise<void> => {
    if (!yearId) return;
    await run(async () => {
      try {
        await call(api.versions.publish({ yearId, ...(note.trim() ? { note: note.trim() } : {}), confirmChurn }));
      } catch (err) {
        // Above the churn limits the core asks first (not an error); the message carries only the numbers.
        if (!(err instanceof CallError && err.code === 'CONFIRMATION_REQUIRED')) throw err;
        setConfirm(err.message);
        return;
      }
      setConfirm(null);
      setNote('');
      refresh();
    });
  };

  const rollback = async (toNumber: number): Promise<void> => {
    if (!yearId) return;
    const reason = window.prompt(`Why roll back to version ${toNumber}? (recorded in the audit trail)`);
    if (!reason || reason.trim().length < 5) return;
    await run(async () => {
      await call(api.versions.rollback({ yearId, toNumber, reason: reason.trim(), confirmChurn: true }));
      refresh();
    });
  };

  const exportFile = async (): Promise<void> => {
    if (!yearId) return;
    await run(async () => {
      const file = await call(api.export.schedule({ yearId, format, content: 'all', paper }));
      saveFile(file.fileName, fromBase64(file.dataBase64), file.mimeType);
    });
  };

  if (!yearId) return <p>No academic year yet.</p>;
  return (
    <section aria-labelledby="publish-title">
      <h2 id="publish-title">Publish and export</h2>
      <FormError text={error} />
      {canPublish && (
        <div className="card">
          <h3>Publish the draft</h3>
          <label>
            Note for this version (optional)
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          </label>
          {confirm && (
            <p role="alert" className="error">
              {confirm}
            </p>
          )}
          <div className="actions left">
            <button type="button" disabled={busy} onClick={() => void publish(false)}>
              Publish
            </button>
            {confirm && (
              <button type="button" disabled={busy} onClick={() => void publish(true)}>
                Publish anyway
              </button>
            )}
          </div>
        </div>
      )}
      <table className="records" aria-label="Published versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Published</th>
            <th>Assignments</th>
            <th>Changes</th>
            <th>Note</th>
            {canPublish && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.number} data-testid={`version-${v.number}`}>
              <td>{v.number}{v.restoredFrom ? ` (restores ${v.restoredFrom})` : ''}</td>
              <td>{new Date(v.publishedAt).toLocaleString()}</td>
              <td>{v.assignments} blocks, {v.shifts} shifts</td>
              <td>{v.diff.peopleChanged} people, {v.diff.changedPercent}%</td>
              <td>{v.note ?? ''}</td>
              {canPublish && (
                <td>
                  {v.number !== versions[0]?.number && (
                    <button type="button" disabled={busy} onClick={() => void rollback(v.number)}>
                      Roll back to this
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
          {versions.length === 0 && (
            <tr>
              <td colSpan={canPublish ? 6 : 5}>Nothing published yet: everyone but schedule editors sees no schedule until you publish.</td>
            </tr>
          )}
        </tbody>
      </table>
      {canExport && (
        <div className="card">
          <h3>Export</h3>
          <label>
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value as (typeof EXPORT_FORMATS)[number])}>
              {EXPORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          </label>
          {format === 'pdf' && (
            <label>
              Paper
              <select value={paper} onChange={(e) => setPaper(e.target.value as 'letter' | 'a4')}>
                <option value="letter">Letter</option>
                <option value="a4">A4</option>
              </select>
            </label>
          )}
          <div className="actions left">
            <button type="button" disabled={busy} onClick={() => void exportFile()}>
              Export the year
            </button>
          </div>
          <p className="muted">Exports show only what your role may see, and each one is recorded in the audit trail.</p>
        </div>
      )}
    </section>
  );
}
