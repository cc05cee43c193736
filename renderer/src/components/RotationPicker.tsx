import { useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { Rotation } from '../../../shared/domain/schedule';
import { textOn } from '../lib/colour';
import { typeAhead } from '../lib/grid-model';

export interface PickerProps {
  rotations: readonly Rotation[];
  initialQuery: string;
  /** PGY of the person in the active cell, to rank eligible rotations first. */
  pgy: number | null;
  count: number;
  anchor: { top: number; left: number };
  onPick(rotationId: string | null): void;
  onClose(): void;
}

const CLEAR = '__clear__';

/**
 * Type-ahead rotation chooser (ARIA combobox with a listbox). Typing filters by short name, then
 * name; arrows move; Enter assigns to every selected cell; Escape goes back to the grid.
 */
export function RotationPicker({ rotations, initialQuery, pgy, count, anchor, onPick, onClose }: PickerProps) {
  const id = useId();
  const [query, setQuery] = useState(initialQuery);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const options = useMemo(() => {
    const found = typeAhead(rotations, query, pgy).map((r) => ({ id: r.id, r }));
    return query.trim() ? found : [...found, { id: CLEAR, r: null }];
  }, [rotations, query, pgy]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);

  const choose = (i: number) => {
    const o = options[i];
    if (o) onPick(o.id === CLEAR ? null : o.id);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    e.stopPropagation();
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(active);
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      onClose();
    }
  };
  const style = { '--top': `${anchor.top}px`, '--left': `${anchor.left}px` } as CSSProperties;
  return (
    <div className="picker" style={style} role="dialog" aria-label="Assign a rotation" data-testid="rotation-picker">
      <label htmlFor={`${id}-q`} className="picker-label">
        Assign to {count} cell{count > 1 ? 's' : ''}
      </label>
      <input
        ref={input}
        id={`${id}-q`}
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={options[active] ? `${id}-o-${active}` : undefined}
        aria-autocomplete="list"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKey}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) onClose();
        }}
        autoComplete="off"
      />
      <ul id={`${id}-list`} role="listbox" aria-label="Rotations">
        {options.map((o, i) => {
          const eligible = !o.r || pgy === null || o.r.eligiblePgy.includes(pgy);
          return (
            <li
              key={o.id}
              id={`${id}-o-${i}`}
              role="option"
              aria-selected={i === active}
              className={`${i === active ? 'active' : ''}${eligible ? '' : ' ineligible'}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(i)}
            >
              {o.r ? (
                <>
                  <span className="chip" style={{ '--rot': o.r.colour, '--rot-fg': textOn(o.r.colour) } as CSSProperties}>
                    {o.r.shortName}
                  </span>{' '}
                  {o.r.name}
                  {!eligible && <span className="muted"> (not for PGY-{pgy})</span>}
                </>
              ) : (
                <em>Clear the cell</em>
              )}
            </li>
          );
        })}
        {options.length === 0 && <li className="muted">No rotation matches “{query}”.</li>}
      </ul>
    </div>
  );
}
