/**
 * Passwords, hashed with argon2id. A sign-in for an unknown or disabled account still runs one
 * verification (against `dummyHash`, a hash of a random password) so the time taken does not
 * reveal which email addresses have accounts.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 12;
/** Longer passwords are refused rather than hashed, so a huge body cannot tie up the hasher. */
export const MAX_PASSWORD_LENGTH = 1024;

const HASH_OPTIONS = { type: argon2.argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A stored hash that is not an argon2 hash never matches.
    return false;
  }
}

/** True when `hash` was made with weaker settings than today's: hash the password again. */
export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash);
}

/** A hash to verify against when there is no account, so a miss costs as much as a wrong password. */
export function dummyHash(): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64'));
}
