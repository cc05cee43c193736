import { useCallback, useEffect, useState } from 'react';
import { SecuritySettings } from '../../../../shared/security/settings';
import { api } from '../../api/client';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../../lib/errors';
import { call } from '../../state/session';

/**
 * The security settings document (thresholds, retention, purge schedule) for a form that edits
 * part of it. Saved whole, validated first with the shared schema (floors included), so the errors
 * shown are the core's own limits; keys are paths like "retention.auditPayloads".
 */
export function useSecuritySettings() {
  const [settings, setSettings] = useState<SecuritySettings | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
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
    setError(null);
    const parsed = SecuritySettings.safeParse(settings);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      setError('Some values are outside their limits; see the fields marked.');
      return;
    }
    setBusy(true);
    try {
      setSettings(await call(api.security.setSettings({ settings: parsed.data })));
      setErrors({});
      setSaved(true);
    } catch (err) {
      setErrors(callFieldErrors(err, 'settings.') ?? {});
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { settings, edit, save, errors, error, saved, busy };
}

/** A number input's value: an empty box stays NaN-free (0), which the schema then refuses. */
export function num(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
