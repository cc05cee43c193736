import { useState, type FormEvent, type ReactNode } from 'react';
import type { z } from 'zod';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../lib/errors';
import { CheckField, FormError, SelectField, TextArea, TextField } from './Field';

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'date' | 'time' | 'colour' | 'select' | 'check' | 'textarea' | 'list' | 'numberList';
  options?: ReadonlyArray<{ value: string; label: string }>;
  /** Empty input means null (else the empty string or 0). */
  nullable?: boolean;
  hint?: string;
}

/** Form text to the record's value, by field kind. */
export function toValue(spec: FieldSpec, v: FormValue): unknown {
  if (spec.kind === 'check') return v === true;
  const s = typeof v === 'string' ? v : '';
  if (spec.nullable && s.trim() === '') return null;
  switch (spec.kind) {
    case 'number': return s.trim() === '' ? Number.NaN : Number(s);
    case 'list': return s.split(',').map((x) => x.trim()).filter(Boolean);
    case 'numberList': return s.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
    default: return s;
  }
}

export function toForm(spec: FieldSpec, value: unknown): FormValue {
  if (spec.kind === 'check') return value === true;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

export interface RecordEditorProps<T extends { id: string }> {
  title: string;
  noun: string;
  items: readonly T[];
  columns: ReadonlyArray<{ label: string; render(item: T): ReactNode }>;
  fields: readonly FieldSpec[];
  /** Validates the whole record (with a placeholder id for new ones): the same schema the core uses. */
  schema: z.ZodType;
  blank: Omit<T, 'id'>;
  canEdit: boolean;
  save(record: Omit<T, 'id'> & { id?: string }): Promise<unknown>;
  remove?(id: string): Promise<unknown>;
  extra?: ReactNode;
}

/** List + form for a simple record type, validated client-side and by the core, errors inline. */
export function RecordEditor<T extends { id: string }>(p: RecordEditorProps<T>) {
  const [editing, setEditing] = useState<T | Omit<T, 'id'> | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [filter, setFilter] = useState('');

  const open = (record: T | Omit<T, 'id'>) => {
    setEditing(record);
    setValues(Object.fromEntries(p.fields.map((f) => [f.name, toForm(f, (record as Record<string, unknown>)[f.name])])));
    setErrors({});
    setError(null);
  };
  const existingId = editing && 'id' in editing ? (editing as T).id : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const record: Record<string, unknown> = { ...(editing as Record<string, unknown>) };
    for (const f of p.fields) record[f.name] = toValue(f, values[f.name] ?? '');
    const parsed = p.schema.safeParse({ ...record, id: existingId ?? 'new' });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      setError('Please correct the highlighted fields.');
      return;
    }
    // A refusal from an earlier attempt no longer applies once the form passes its own checks.
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      const { id: _drop, ...rest } = record;
      await p.save({ ...(rest as Omit<T, 'id'>), ...(existingId ? { id: existingId } : {}) });
      setEditing(null);
    } catch (err) {
      setErrors(callFieldErrors(err) ?? {});
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const del = async (id: string) => {
    if (!p.remove) return;
    setError(null);
    try {
      await p.remove(id);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const shown = filter.trim() ? p.items.filter((i) => JSON.stringify(p.columns.map((c) => String(c.render(i) ?? ''))).toLowerCase().includes(filter.toLowerCase())) : p.items;
  const set = (name: string, v: FormValue) => setValues((old) => ({ ...old, [name]: v }));

  return (
    <section className="editor" aria-labelledby={`${p.noun}-title`}>
      <div className="section-head">
        <h2 id={`${p.noun}-title`}>{p.title}</h2>
        <input type="search" aria-label={`Filter ${p.title.toLowerCase()}`} placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {p.canEdit && (
          <button type="button" className="primary" onClick={() => open(p.blank)}>
            New {p.noun}
          </button>
        )}
      </div>
      {p.extra}
      {!editing && <FormError text={error} />}
      <div className="editor-body">
        <div className="table-wrap">
          <table className="records">
            <thead>
              <tr>
                {p.columns.map((c) => (
                  <th scope="col" key={c.label}>
                    {c.label}
                  </th>
                ))}
                {p.canEdit && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((item) => (
                <tr key={item.id}>
                  {p.columns.map((c) => (
                    <td key={c.label}>{c.render(item)}</td>
                  ))}
                  {p.canEdit && (
                    <td className="row-actions">
                      <button type="button" onClick={() => open(item)}>
                        Edit
                      </button>
                      {p.remove && (
                        <button type="button" onClick={() => void del(item.id)}>
                          Delete
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p className="muted">None yet.</p>}
        </div>
        {editing && (
          <form className="card editor-form" onSubmit={submit} noValidate aria-label={existingId ? `Edit ${p.noun}` : `New ${p.noun}`}>
            <h3>{existingId ? `Edit ${p.noun}` : `New ${p.noun}`}</h3>
            {p.fields.map((f) => {
              const v = values[f.name] ?? '';
              const common = { label: f.label, name: f.name, error: errors[f.name], hint: f.hint };
              switch (f.kind) {
                case 'check':
                  return <CheckField key={f.name} label={f.label} name={f.name} checked={v === true} onChange={(e) => set(f.name, e.target.checked)} />;
                case 'select':
                  return (
                    <SelectField key={f.name} {...common} value={String(v)} onChange={(e) => set(f.name, e.target.value)}>
                      {f.nullable && <option value="">None</option>}
                      {f.options?.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </SelectField>
                  );
                case 'textarea':
                  return <TextArea key={f.name} {...common} rows={3} value={String(v)} onChange={(e) => set(f.name, e.target.value)} />;
                default:
                  return (
                    <TextField
                      key={f.name}
                      {...common}
                      type={f.kind === 'number' ? 'number' : f.kind === 'date' ? 'date' : f.kind === 'time' ? 'time' : f.kind === 'colour' ? 'color' : 'text'}
                      value={String(v)}
                      onChange={(e) => set(f.name, e.target.value)}
                    />
                  );
              }
            })}
            <FormError text={error} />
            <div className="actions">
              <button type="button" onClick={() => setEditing(null)}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={busy}>
                Save
              </button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
