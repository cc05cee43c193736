import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { callFieldErrors, messageOf, zodFieldErrors, type FieldErrors } from '../lib/errors';

export interface FormAction {
  busy: boolean;
  /** The form-level message: the typed error's user-facing text (never a stack or PHI). */
  error: string | null;
  /** Field errors keyed by the form's names, from its own checks or from the core's BAD_INPUT issues. */
  errors: FieldErrors;
  setError(text: string | null): void;
  setErrors(errors: FieldErrors): void;
  /** Shows the form's own findings (clearing the last call's message); true when there are none. */
  check(problems: FieldErrors): boolean;
  /** The same for a schema's parse result, narrowing it to its data. */
  checkParsed<T>(result: z.ZodSafeParseResult<T>): result is z.ZodSafeParseSuccess<T>;
  /**
   * Runs the form's call while `busy`. A failure becomes the message and the field errors; the
   * message is cleared when the call starts, so a success leaves none. Resolves to whether it succeeded.
   */
  run(action: () => Promise<void>): Promise<boolean>;
}

/**
 * The busy / error / submit shape shared by forms that call the core. `fieldPrefix` strips an
 * input wrapper from the core's issue paths ("settings.", "admin.") so they match the form's names.
 */
export function useFormAction(fieldPrefix = ''): FormAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});

  const check = useCallback((problems: FieldErrors): boolean => {
    setError(null);
    setErrors(problems);
    return Object.keys(problems).length === 0;
  }, []);

  const checkParsed = useCallback(<T>(result: z.ZodSafeParseResult<T>): result is z.ZodSafeParseSuccess<T> => check(result.success ? {} : zodFieldErrors(result.error)), [check]);

  const run = useCallback(
    async (action: () => Promise<void>): Promise<boolean> => {
      setError(null);
      setBusy(true);
      try {
        await action();
        return true;
      } catch (err) {
        setErrors(callFieldErrors(err, fieldPrefix) ?? {});
        setError(messageOf(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fieldPrefix],
  );

  return { busy, error, errors, setError, setErrors, check, checkParsed, run };
}
