import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { messageOf } from '../../lib/errors';

/**
 * A list the shared schedule store does not hold (credentials, coverage, requests), loaded when
 * its section opens and again after each change. Memory only, like everything else in the page.
 */
export function useRemoteList<T>(load: () => Promise<T[]>, deps: readonly unknown[]): { items: T[]; error: string | null; loaded: boolean; reload(): Promise<void> } {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  // The caller names what the loader depends on.
  const reload = useCallback(async () => {
    try {
      setItems(await load());
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoaded(true);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { items, error, loaded, reload };
}

/** Today's calendar date in the program's time zone (the dates on records are local dates). */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * The same schema, with each issue reported on its top-level field: list fields (weekdays) fail
 * on an item ("weekdays.2"), but the form shows errors per field.
 */
export function byField(schema: z.ZodType, messages: Record<string, string> = {}): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const r = schema.safeParse(value);
    if (r.success) return;
    for (const issue of r.error.issues) {
      const field = issue.path[0];
      const key = typeof field === 'string' ? field : '';
      ctx.addIssue({ code: 'custom', path: key ? [key] : [], message: (issue.path.length > 1 ? messages[key] : undefined) ?? issue.message });
    }
  });
}
