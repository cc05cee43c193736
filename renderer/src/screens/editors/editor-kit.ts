import { useCallback, useEffect, useState } from 'react';
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
