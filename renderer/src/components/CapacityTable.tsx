import type { CSSProperties } from 'react';
import type { Block, Rotation } from '../../../shared/domain/schedule';
import { textOn } from '../lib/colour';
import type { FindingIndex } from '../lib/findings';
import { capKey, type CapacityCell } from '../lib/grid-model';
import { BadgeMark } from './BlockGrid';

/**
 * Trainees per rotation per block against its limits: amber under the minimum, red over the
 * maximum, with a text marker so the state never depends on colour alone.
 */
export function CapacityTable({ rotations, blocks, cap, index }: { rotations: readonly Rotation[]; blocks: readonly Block[]; cap: ReadonlyMap<string, CapacityCell>; index: FindingIndex }) {
  return (
    // Focusable so the table scrolls by keyboard too (WCAG 2.1.1).
    <div className="captable-wrap" tabIndex={0} role="region" aria-label="Capacity by rotation and block">
      <table className="captable" style={{ '--ncols': blocks.length } as CSSProperties} data-testid="capacity">
        <caption>Capacity: trainees per rotation and block (minimum–maximum)</caption>
        <thead>
          <tr>
            <th scope="col">Rotation</th>
            {blocks.map((b) => (
              <th scope="col" key={b.id}>
                {b.label.replace(/^Block /, 'B')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rotations.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <span className="chip" style={{ '--rot': r.colour, '--rot-fg': textOn(r.colour) } as CSSProperties}>
                  {r.shortName}
                </span>
                <span className="muted small">
                  {' '}
                  {r.capacityMin}–{r.capacityMax}
                </span>
              </th>
              {blocks.map((b) => {
                const c = cap.get(capKey(r.id, b.id));
                if (!c) return <td key={b.id} />;
                const text = c.state === 'over' ? `${c.count}▲` : c.state === 'under' ? `${c.count}▼` : String(c.count);
                return (
                  <td key={b.id} className={`cap cap-${c.state}`} data-cap={`${r.shortName}|${b.label}`} data-state={c.state}>
                    <span aria-hidden="true">{text}</span>
                    <span className="sr-only">
                      {c.count} assigned, {c.state === 'over' ? 'over the maximum' : c.state === 'under' ? 'under the minimum' : 'within limits'} {c.min}–{c.max}
                    </span>
                    <BadgeMark badge={index.capacity.get(capKey(r.id, b.id))} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
