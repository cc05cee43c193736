import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Swap } from '../../../shared/exchange/swaps';
import { api } from '../api/client';
import { FormError } from '../components/Field';
import { useFormAction } from '../hooks/useFormAction';
import { messageOf } from '../lib/errors';
import { currentYear, useSchedule } from '../state/schedule';
import { call, useCan, useSession } from '../state/session';

/**
 * Swaps: a resident or faculty member asks a colleague to exchange a block or take a shift; the
 * colleague accepts; a coordinator approves. The core checks compliance at request and at approval.
 */
export function SwapsPanel() {
  const me = useSession((s) => s.session?.personId ?? null);
  const canRequest = useCan('absence.request');
  const canApprove = useCan('absence.approve');
  const people = useSchedule((s) => s.people);
  const peopleById = useSchedule((s) => s.peopleById);
  const shifts = useSchedule((s) => s.shifts);
  const shiftTypes = useSchedule((s) => s.shiftTypes);
  const year = useSchedule((s) => currentYear(s));
  const [swaps, setSwaps] = useState<Swap[]>([]);
  const { busy, error, setError, run } = useFormAction();
  const [kind, setKind] = useState<'block' | 'shift'>('block');
  const [counterpart, setCounterpart] = useState('');
  const [blockId, setBlockId] = useState('');
  const [shiftId, setShiftId] = useState('');

  const refresh = useCallback(() => {
    call(api.swaps.list({ open: false })).then(setSwaps, (err: unknown) => setError(messageOf(err)));
  }, []);
  useEffect(refresh, [refresh]);

  const name = (id: string): string => peopleById.get(id)?.displayName ?? 'someone';
  const typeName = useMemo(() => new Map(shiftTypes.map((t) => [t.id, t.shortName])), [shiftTypes]);
  const myShifts = useMemo(() => shifts.filter((s) => s.personId === me), [shifts, me]);

  // A refusal explains itself, e.g. the violation the swap would create.
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    await run(async () => {
      await work();
      refresh();
    });
  };

  const request = (): Promise<void> =>
    act(() => call(api.swaps.request({ kind, counterpartPersonId: counterpart, ...(kind === 'block' ? { blockId } : { shiftId }) })));

  return (
    <section aria-labelledby="swaps-title">
      <h2 id="swaps-title">Swaps</h2>
      <FormError text={error} />
      {canRequest && me && (
        <form
          className="card"
          aria-label="Request a swap"
          onSubmit={(e) => {
            e.preventDefault();
            void request();
          }}
        >
          <h3>Request a swap</h3>
          <label>
            Swap
            <select value={kind} onChange={(e) => setKind(e.target.value as 'block' | 'shift')}>
              <option value="block">a block's rotation</option>
              <option value="shift">one of my shifts</option>
            </select>
          </label>
          {kind === 'block' ? (
            <label>
              Block
              <select value={blockId} onChange={(e) => setBlockId(e.target.value)}>
                <option value="">Choose…</option>
                {(year?.blocks ?? []).map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.label} ({b.startDate})
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label>
              Shift
              <select value={shiftId} onChange={(e) => setShiftId(e.target.value)}>
                <option value="">Choose…</option>
                {myShifts.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.date} {typeName.get(s.shiftTypeId) ?? ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            With
            <select value={counterpart} onChange={(e) => setCounterpart(e.target.value)}>
              <option value="">Choose…</option>
              {people
                .filter((p) => p.id !== me && p.active)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
            </select>
          </label>
          <div className="actions left">
            <button type="submit" disabled={busy || !counterpart || (kind === 'block' ? !blockId : !shiftId)}>
              Ask
            </button>
          </div>
        </form>
      )}
      <table className="records" aria-label="Swaps">
        <thead>
          <tr>
            <th>Requested by</th>
            <th>With</th>
            <th>What</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {swaps.map((s) => (
            <tr key={s.id} data-testid={`swap-${s.status}`}>
              <td>{name(s.requesterPersonId)}</td>
              <td>{name(s.counterpartPersonId)}</td>
              <td>{s.kind === 'block' ? `Block ${year?.blocks.find((b) => b.id === s.blockId)?.label ?? ''}` : 'A shift'}</td>
              <td>{s.status}</td>
              <td>
                {s.status === 'requested' && s.counterpartPersonId === me && (
                  <>
                    <button type="button" disabled={busy} onClick={() => void act(() => call(api.swaps.respond({ id: s.id, accept: true })))}>
                      Accept
                    </button>
                    <button type="button" disabled={busy} onClick={() => void act(() => call(api.swaps.respond({ id: s.id, accept: false })))}>
                      Decline
                    </button>
                  </>
                )}
                {(s.status === 'requested' || s.status === 'accepted') && s.requesterPersonId === me && (
                  <button type="button" disabled={busy} onClick={() => void act(() => call(api.swaps.cancel({ id: s.id })))}>
                    Withdraw
                  </button>
                )}
                {s.status === 'accepted' && canApprove && (
                  <>
                    <button type="button" disabled={busy} onClick={() => void act(() => call(api.swaps.decide({ id: s.id, decision: 'approved' })))}>
                      Approve
                    </button>
                    <button type="button" disabled={busy} onClick={() => void act(() => call(api.swaps.decide({ id: s.id, decision: 'denied' })))}>
                      Deny
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
          {swaps.length === 0 && (
            <tr>
              <td colSpan={5}>No swaps.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
