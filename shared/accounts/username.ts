import { z } from 'zod';

/**
 * User names are unique without regard to case or Unicode form: "JDoe", "jdoe" and a full-width
 * "ｊｄｏｅ" are one account. The typed form is kept for display; the key is what is compared.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits, dot, underscore, @ and hyphen only');
