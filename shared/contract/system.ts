import { z } from 'zod';
import { defineCall } from './define';

export const AppStatus = z
  .object({
    product: z.literal('Residency Scheduler'),
    version: z.string(),
    /** Where the vault stands: no vault yet (first run), locked, or open for a signed-in user. */
    vault: z.enum(['absent', 'locked', 'unlocked']),
    transport: z.enum(['electron', 'preview', 'in-process']),
    time: z.string().datetime(),
  })
  .strict();

export const systemCalls = {
  'system.status': defineCall({
    input: z.object({}).strict(),
    output: AppStatus,
    access: 'public',
    mutates: false,
    summary: 'Product, version and vault state, shown before login.',
  }),
  'system.echo': defineCall({
    input: z.object({ text: z.string().max(200) }).strict(),
    output: z.object({ text: z.string(), receivedAt: z.string().datetime() }).strict(),
    access: 'public',
    mutates: false,
    summary: 'Round trip through the contract, for diagnostics and transport tests.',
  }),
} as const;
