import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { TextField } from './Field';

/** Look-alike letters are forgiven, as the core does when the key is used. */
const norm = (s: string): string => s.replace(/[\s-]+/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');

interface Props {
  recoveryKey: string;
  /** Called once the right group was typed back; the caller then lets go of the key. */
  onConfirmed(): void;
  className: string;
  /** h1 on a page of its own, h4 inside Administration; its id names the form. */
  heading: { level: 1 | 4; id: string; text: string };
  /** The key's test id and accessible name. */
  keyTestId: string;
  keyLabel: string;
  /** Above the key: what it opens and that it is shown once. */
  intro: ReactNode;
  /** Between the key and the confirmation field: anything else to read before leaving. */
  children?: ReactNode;
}

/**
 * A recovery key, shown once: the core forgets it. The administrator proves they wrote it down by
 * typing one group of it back, never the first (people copy the start first).
 */
export function RecoveryKeyConfirm({ recoveryKey, onConfirmed, className, heading, keyTestId, keyLabel, intro, children }: Props) {
  const groups = useMemo(() => recoveryKey.split('-'), [recoveryKey]);
  // Fixed for as long as the key is on screen.
  const [which] = useState(() => 1 + Math.floor(Math.random() * Math.max(1, groups.length - 1)));
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const Heading = heading.level === 1 ? 'h1' : 'h4';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (norm(typed) !== norm(groups[which] ?? '')) {
      setError(`That is not group ${which + 1}. Check what you wrote down.`);
      return;
    }
    onConfirmed();
  };

  return (
    <form className={className} onSubmit={submit} noValidate aria-labelledby={heading.id}>
      <Heading id={heading.id}>{heading.text}</Heading>
      {intro}
      <p className="recovery-key" data-testid={keyTestId} aria-label={keyLabel}>
        {groups.map((g, i) => (
          <span key={i} className="rk-group">
            <span className="rk-index">{i + 1}</span>
            {g}
          </span>
        ))}
      </p>
      {children}
      <TextField label={`Type group ${which + 1} of the key to confirm`} name="group" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} error={error ?? undefined} data-group={which + 1} />
      <div className="actions">
        <button type="submit" className="primary">
          I wrote it down
        </button>
      </div>
    </form>
  );
}
