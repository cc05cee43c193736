import { useCallback, useEffect, useState } from 'react';
import { SecuritySettings } from '../../../../shared/security/settings';
import { api } from '../../api/client';
import { useFormAction } from '../../hooks/useFormAction';
import { messageOf } from '../../lib/errors';
import { call } from '../../state/session';

/**
 * The security settings document (thresholds, retention, purge schedule) for a form that edits
 * part of it. Saved whole, validated first with the shared schema (floors included), so the errors
 * shown are the core's own limits; keys are paths like "retention.auditPayloads".
 */
export function useSecuritySettings() {
  const [settings, setSettings] = useState<SecuritySettings | null>(null);
  const { busy, error, errors, setError, checkParsed, run } = useFormAction('settings.');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    call(api.security.getSettings({})).then(setSettings, (err: unknown) => setError(messageOf(err)));
  }, []);

  const edit = useCallback((change: (s: SecuritySettings) => SecuritySettings) => {
    setSaved(false);
    setSettings((s) => (s ? change(s) : s));
  }, []);

  const save = async (): Promise<void> => {
    if (!settings) return;
    setSaved(false);
    const parsed = SecuritySettings.safeParse(settings);
    if (!checkParsed(parsed)) {
      setError('Some values are outside their limits; see the fields marked.');
      return;
    }
    await run(async () => {
      setSettings(await call(api.security.setSettings({ settings: parsed.data })));
      setSaved(true);
    });
  };
  return { settings, edit, save, errors, error, saved, busy };
}

/** A number input's value: an empty box stays NaN-free (0), which the schema then refuses. */
export function num(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
