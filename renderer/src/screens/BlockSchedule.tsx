import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import type { Person } from '../../../shared/domain/schedule';
import { BlockGrid, ROTATION_MIME } from '../components/BlockGrid';
import { CapacityTable } from '../components/CapacityTable';
import { FindingCard } from '../components/FindingCard';
import { RotationPicker } from '../components/RotationPicker';
import { textOn } from '../lib/colour';
import {
  capacity, cellKey, copyRect, filterPeople, move, NO_FILTERS, pasteItems, rectKeys, splitKey, type CellKey, type GridFilters, type Pos,
} from '../lib/grid-model';
import { currentYear, useSchedule, type CellEdit } from '../state/schedule';
import { useCan } from '../state/session';
import { useUi } from '../state/ui';

/** Copied cells live in memory only: the OS clipboard could carry schedule data out of the app. */
let clipboard: Array<Array<string | null>> | null = null;

const isTrainee = (p: Person | undefined): boolean => p?.kind === 'resident' || p?.kind === 'fellow';

function Filters({ filters, onChange }: { filters: GridFilters; onChange(f: GridFilters): void }) {
  const rotations = useSchedule((s) => s.rotations);
  return (
    <div className="filters" role="search" aria-label="Filter people">
      <label className="inline">
        <span>Person</span>
        <input type="search" value={filters.text} onChange={(e) => onChange({ ...filters, text: e.target.value })} placeholder="Name" data-testid="filter-text" />
      </label>
      <label className="inline">
        <span>PGY</span>
        <select value={filters.pgy ?? ''} onChange={(e) => onChange({ ...filters, pgy: e.target.value ? Number(e.target.value) : null })} data-testid="filter-pgy">
          <option value="">All</option>
          {[1, 2, 3, 4, 5, 6, 7].map((n) => (
            <option key={n} value={n}>
              PGY-{n}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span>Rotation</span>
        <select value={filters.rotationId ?? ''} onChange={(e) => onChange({ ...filters, rotationId: e.target.value || null })}>
          <option value="">Any</option>
          {rotations.map((r) => (
            <option key={r.id} value={r.id}>
              {r.shortName} — {r.name}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span>Show</span>
        <select value={filters.kind} onChange={(e) => onChange({ ...filters, kind: e.target.value as GridFilters['kind'] })}>
          <option value="all">Everyone</option>
          <option value="trainees">Residents and fellows</option>
          <option value="faculty">Faculty</option>
        </select>
      </label>
    </div>
  );
}

/** The block schedule workspace: filters, palette, the grid, capacity and the cell inspector. */
export function BlockSchedule() {
  const year = useSchedule(currentYear);
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const rotations = useSchedule((s) => s.rotations);
  const rotationsById = useSchedule((s) => s.rotationsById);
  const assignments = useSchedule((s) => s.assignments);
  const index = useSchedule((s) => s.index);
  const findingsByKey = index.byKey;
  const undoState = useSchedule((s) => s.undo);
  const pending = useSchedule((s) => s.pending);
  const checking = useSchedule((s) => s.checking);
  const { applyCells, undoLast, redoLast, setNotice } = useSchedule.getState();
  const canEdit = useCan('schedule.edit');
  const jumpTo = useUi((s) => s.jumpTo);
  const showHours = useUi((s) => s.showHours);

  const [filters, setFilters] = useState<GridFilters>(NO_FILTERS);
  const [focus, setFocus] = useState<Pos>({ row: 0, col: 0 });
  const [anchor, setAnchor] = useState<Pos>({ row: 0, col: 0 });
  const [selected, setSelected] = useState<ReadonlySet<CellKey>>(new Set());
  const [picker, setPicker] = useState<{ query: string; anchor: { top: number; left: number } } | null>(null);
  const [showCapacity, setShowCapacity] = useState(true);
  const gridWrap = useRef<HTMLDivElement>(null);

  const cols = useMemo(() => year?.blocks ?? [], [year]);
  const rows = useMemo(() => filterPeople(people, filters, assignments, cols), [people, filters, assignments, cols]);
  const cap = useMemo(() => capacity(rotations, cols, assignments, peopleById), [rotations, cols, assignments, peopleById]);

  const focusPerson = rows[focus.row];
  const focusBlock = cols[focus.col];
  const focusKey = focusPerson && focusBlock ? cellKey(focusPerson.id, focusBlock.id) : null;

  // Keep the active cell inside the grid when filters shrink it.
  useEffect(() => {
    if (focus.row >= rows.length && rows.length > 0) setFocus((f) => ({ ...f, row: rows.length - 1 }));
  }, [rows.length, focus.row]);

  // Jump requested from the compliance panel: clear filters that hide the person, then go there.
  useEffect(() => {
    if (!jumpTo) return;
    let list = rows;
    let r = list.findIndex((p) => p.id === jumpTo.personId);
    if (r < 0) {
      setFilters(NO_FILTERS);
      list = filterPeople(people, NO_FILTERS, assignments, cols);
      r = list.findIndex((p) => p.id === jumpTo.personId);
    }
    const c = Math.max(0, cols.findIndex((b) => b.id === jumpTo.blockId));
    if (r >= 0) {
      const pos = { row: r, col: c };
      setFocus(pos);
      setAnchor(pos);
      const p = list[r];
      const b = cols[c];
      if (p && b) setSelected(new Set([cellKey(p.id, b.id)]));
      requestAnimationFrame(() => gridWrap.current?.querySelector<HTMLElement>(`[data-row="${r}"][data-col="${c}"]`)?.focus());
    }
    // Only on a new jump request (the seq), not when the data it reads changes.
  }, [jumpTo?.seq]);

  /** The cells an action applies to: the selection when the active cell is in it, else the active cell. */
  const targets = useCallback((): CellKey[] => {
    if (focusKey && selected.has(focusKey)) return [...selected];
    return focusKey ? [focusKey] : [];
  }, [focusKey, selected]);

  /** Assigns a rotation, skipping people the rotation does not take (the core would refuse the set). */
  const assign = useCallback(
    async (keys: CellKey[], rotationId: string | null) => {
      const rotation = rotationId ? rotationsById.get(rotationId) : null;
      const items: CellEdit[] = [];
      let skipped = 0;
      for (const k of keys) {
        const { personId, blockId } = splitKey(k);
        const p = peopleById.get(personId);
        if (rotation && isTrainee(p) && (p?.pgy == null || !rotation.eligiblePgy.includes(p.pgy))) {
          skipped++;
          continue;
        }
        items.push({ personId, blockId, rotationId });
      }
      setNotice(skipped ? `${skipped} cell(s) skipped: ${rotation?.shortName} takes PGY ${rotation?.eligiblePgy.join(', ')} only.` : null);
      if (items.length) await applyCells(items);
    },
    [rotationsById, peopleById, applyCells, setNotice],
  );

  const openPicker = useCallback(
    (pos: Pos, query = '') => {
      if (!canEdit) return;
      const cell = gridWrap.current?.querySelector<HTMLElement>(`[data-row="${pos.row}"][data-col="${pos.col}"]`);
      const wrap = gridWrap.current?.getBoundingClientRect();
      const r = cell?.getBoundingClientRect();
      const top = r && wrap ? r.bottom - wrap.top + 2 : 40;
      const left = r && wrap ? Math.min(r.left - wrap.left, wrap.width - 300) : 160;
      setPicker({ query, anchor: { top, left: Math.max(0, left) } });
    },
    [canEdit],
  );

  const closePicker = useCallback(() => {
    setPicker(null);
    requestAnimationFrame(() => gridWrap.current?.querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')?.focus());
  }, []);

  const select = (pos: Pos, mode: 'single' | 'extend' | 'toggle') => {
    const p = rows[pos.row];
    const b = cols[pos.col];
    if (!p || !b) return;
    const k = cellKey(p.id, b.id);
    if (mode === 'extend') setSelected(new Set(rectKeys(rows, cols, anchor, pos)));
    else if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      setSelected(next);
      setAnchor(pos);
    } else {
      setSelected(new Set([k]));
      setAnchor(pos);
    }
    setFocus(pos);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, pageRows: number) => {
    if (picker) return;
    const mod = e.ctrlKey || e.metaKey;
    const moved = move(focus, e.key, rows.length, cols.length, pageRows);
    if (moved) {
      e.preventDefault();
      select(moved, e.shiftKey ? 'extend' : 'single');
      return;
    }
    if (mod && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      void (e.shiftKey ? redoLast() : undoLast());
    } else if (mod && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      void redoLast();
    } else if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      setSelected(new Set(rectKeys(rows, cols, { row: 0, col: 0 }, { row: rows.length - 1, col: cols.length - 1 })));
    } else if (mod && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      clipboard = copyRect(new Set(targets()), rows, cols, assignments);
      setNotice(`Copied ${clipboard.length} × ${clipboard[0]?.length ?? 0} cells.`);
    } else if (mod && e.key.toLowerCase() === 'v') {
      e.preventDefault();
      if (canEdit && clipboard) void pasteAt(focus);
    } else if (e.key === ' ' && !mod) {
      e.preventDefault();
      select(focus, 'toggle');
    } else if ((e.key === 'Enter' || e.key === 'F2') && canEdit) {
      e.preventDefault();
      openPicker(focus);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && canEdit) {
      e.preventDefault();
      void assign(targets(), null);
    } else if (e.key === 'Escape') {
      select(focus, 'single');
    } else if (canEdit && !mod && !e.altKey && e.key.length === 1 && /\S/.test(e.key)) {
      // Type-ahead: the first letter opens the picker already filtered.
      e.preventDefault();
      openPicker(focus, e.key);
    }
  };

  const pasteAt = async (at: Pos) => {
    if (!clipboard) return;
    const items = pasteItems(clipboard, at, rows, cols);
    const byKey = new Map<CellKey, string | null>(items.map((i) => [cellKey(i.personId, i.blockId), i.rotationId]));
    // Group by rotation so ineligible cells are skipped the same way as any assignment.
    const groups = new Map<string | null, CellKey[]>();
    for (const [k, r] of byKey) groups.set(r, [...(groups.get(r) ?? []), k]);
    const edits: CellEdit[] = [];
    for (const [r, keys] of groups) {
      const rot = r ? rotationsById.get(r) : null;
      for (const k of keys) {
        const { personId, blockId } = splitKey(k);
        const p = peopleById.get(personId);
        if (rot && isTrainee(p) && (p?.pgy == null || !rot.eligiblePgy.includes(p.pgy))) continue;
        edits.push({ personId, blockId, rotationId: r });
      }
    }
    if (edits.length) await applyCells(edits);
    setNotice(`Pasted ${edits.length} cell(s).`);
  };

  const onCellMouseDown = useCallback(
    (pos: Pos, e: MouseEvent) => {
      if (e.button !== 0) return;
      select(pos, e.shiftKey ? 'extend' : e.ctrlKey || e.metaKey ? 'toggle' : 'single');
    },
    // select closes over the current anchor and selection.
    [rows, cols, anchor, selected],
  );

  const onDropRotation = useCallback(
    (pos: Pos, rotationId: string) => {
      const p = rows[pos.row];
      const b = cols[pos.col];
      if (!p || !b) return;
      const k = cellKey(p.id, b.id);
      // Dropping on a selected cell fills the whole selection (bulk assign by drag).
      void assign(selected.has(k) ? [...selected] : [k], rotationId);
      setFocus(pos);
    },
    [rows, cols, selected, assign],
  );

  const onOpenPicker = useCallback((pos: Pos) => openPicker(pos), [openPicker]);

  if (!year) return null;
  const cellFindings = focusKey ? (index.cells.get(focusKey)?.keys ?? []) : [];
  const rowFindings = focusPerson ? (index.rows.get(focusPerson.id)?.keys ?? []) : [];
  const inspectorFindings = [...new Set([...cellFindings, ...rowFindings])].map((k) => findingsByKey.get(k)).filter((f) => f !== undefined);
  const focusRotation = focusKey ? rotationsById.get(assignments.get(focusKey)?.rotationId ?? '') : undefined;

  return (
    <div className="schedule">
      <div className="toolbar">
        <Filters filters={filters} onChange={setFilters} />
        <div className="toolgroup" role="toolbar" aria-label="Edit">
          <button type="button" onClick={() => void undoLast()} disabled={!canEdit || undoState.past.length === 0} aria-keyshortcuts="Control+Z">
            Undo
          </button>
          <button type="button" onClick={() => void redoLast()} disabled={!canEdit || undoState.future.length === 0} aria-keyshortcuts="Control+Y">
            Redo
          </button>
          <button type="button" onClick={() => openPicker(focus)} disabled={!canEdit || !focusKey}>
            Assign…
          </button>
          <button type="button" onClick={() => void assign(targets(), null)} disabled={!canEdit || !focusKey}>
            Clear
          </button>
          <button
            type="button"
            onClick={() => {
              clipboard = copyRect(new Set(targets()), rows, cols, assignments);
              setNotice(`Copied ${clipboard.length} × ${clipboard[0]?.length ?? 0} cells.`);
            }}
            disabled={!focusKey}
          >
            Copy
          </button>
          <button type="button" onClick={() => void pasteAt(focus)} disabled={!canEdit || !focusKey}>
            Paste
          </button>
          <span className="muted small" aria-live="polite">
            {selected.size > 1 ? `${selected.size} selected` : ''} {pending > 0 ? 'Saving…' : checking ? 'Checking…' : ''}
          </span>
        </div>
      </div>
      {canEdit && (
        <div className="palette" aria-label="Rotations: drag onto cells, or press to assign the selection">
          {rotations.map((r) => (
            <button
              type="button"
              key={r.id}
              className="chip"
              draggable
              style={{ '--rot': r.colour, '--rot-fg': textOn(r.colour) } as CSSProperties}
              title={`${r.name}: drag onto a cell, or press to assign the selected cells`}
              data-rotation={r.shortName}
              onDragStart={(e) => {
                e.dataTransfer.setData(ROTATION_MIME, r.id);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => void assign(targets(), r.id)}
            >
              {r.shortName}
            </button>
          ))}
        </div>
      )}
      <div className="schedule-body">
        <div className="grid-col" ref={gridWrap}>
          <BlockGrid
            rows={rows}
            cols={cols}
            assignments={assignments}
            rotationsById={rotationsById}
            index={index}
            focus={focus}
            selected={selected}
            canEdit={canEdit}
            onKeyDown={onKeyDown}
            onCellMouseDown={onCellMouseDown}
            onDropRotation={onDropRotation}
            onOpenPicker={onOpenPicker}
          />
          {picker && (
            <RotationPicker
              rotations={rotations}
              initialQuery={picker.query}
              pgy={isTrainee(focusPerson) ? (focusPerson?.pgy ?? null) : null}
              count={targets().length}
              anchor={picker.anchor}
              onPick={(rotationId) => {
                const keys = targets();
                closePicker();
                void assign(keys, rotationId);
              }}
              onClose={closePicker}
            />
          )}
          <div className="capacity-toggle">
            <button type="button" className="link" aria-expanded={showCapacity} onClick={() => setShowCapacity((v) => !v)}>
              {showCapacity ? 'Hide capacity' : 'Show capacity'}
            </button>
          </div>
          {showCapacity && <CapacityTable rotations={rotations} blocks={cols} cap={cap} index={index} />}
        </div>
        <aside className="inspector" aria-label="Selected cell" data-testid="inspector">
          {focusPerson && focusBlock ? (
            <>
              <h2>{focusPerson.displayName}</h2>
              <p className="muted small">
                {focusPerson.kind === 'faculty' ? 'Faculty' : `PGY-${focusPerson.pgy ?? '?'}`} · {focusBlock.label} ({focusBlock.startDate} to {focusBlock.endDate})
              </p>
              <p>
                {focusRotation ? (
                  <>
                    <span className="chip" style={{ '--rot': focusRotation.colour, '--rot-fg': textOn(focusRotation.colour) } as CSSProperties}>
                      {focusRotation.shortName}
                    </span>{' '}
                    {focusRotation.name}
                  </>
                ) : (
                  'Unassigned'
                )}
              </p>
              <button type="button" className="link" onClick={() => showHours(focusPerson.id)}>
                Hours and days off
              </button>
              <h3>Findings</h3>
              {inspectorFindings.length === 0 ? (
                <p className="muted">None for this cell.</p>
              ) : (
                inspectorFindings.map((f) => <FindingCard key={f.key} finding={f} />)
              )}
            </>
          ) : (
            <p className="muted">No one matches the filters.</p>
          )}
          <details className="help">
            <summary>Keyboard</summary>
            <ul className="small">
              <li>Arrows, Page Up/Down, Home/End: move</li>
              <li>Shift+arrows: select a range; Space: add or remove a cell</li>
              <li>Type letters or Enter: choose a rotation; Delete: clear</li>
              <li>Ctrl+C / Ctrl+V: copy and paste; Ctrl+Z / Ctrl+Y: undo and redo</li>
            </ul>
          </details>
        </aside>
      </div>
    </div>
  );
}
