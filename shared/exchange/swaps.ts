import { z } from 'zod';
import { Id } from '../domain/common';

/**
 * A swap request: requested by a resident or faculty member, accepted (or declined) by the
 * counterpart, then approved (or denied) by a coordinator. Approval runs the compliance engine on
 * the schedule as it would be and refuses a swap that creates a violation.
 * - block: the two people exchange their rotations in one block;
 * - shift: the requester's shift goes to the counterpart and, when `counterpartShiftId` is set,
 *   the counterpart's shift comes back (a trade); otherwise it is a give-away.
 */
export const SWAP_STATUSES = ['requested', 'accepted', 'declined', 'approved', 'denied', 'cancelled'] as const;
export const SwapStatus = z.enum(SWAP_STATUSES);

export const SwapStep = z
  .object({
    at: z.string(),
    /** The user account that took the step (ids only). */
    by: Id,
    step: z.enum(['request', 'accept', 'decline', 'approve', 'deny', 'cancel']),
  })
  .strict();

export const Swap = z
  .object({
    id: Id,
    kind: z.enum(['block', 'shift']),
    status: SwapStatus,
    yearId: Id,
    requesterPersonId: Id,
    counterpartPersonId: Id,
    blockId: Id.nullable(),
    shiftId: Id.nullable(),
    counterpartShiftId: Id.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    history: z.array(SwapStep).max(20),
  })
  .strict();
export type Swap = z.infer<typeof Swap>;

/** Statuses a swap can still move from. */
export const OPEN_SWAP_STATUSES: ReadonlySet<Swap['status']> = new Set(['requested', 'accepted']);
