/**
 * Passwords, hashed with argon2id. A sign-in for an unknown or disabled account still runs one
 * verification (against `dummyHash`, a hash of a random password) so the time taken does not
 * reveal which email addresses have accounts.
 *
 * The memory each hash takes is configuration (PASSWORD_HASH_MEMORY_KIB): 64 MiB by default, with
 * 3 passes and 4 lanes (argon2's own defaults). A stored hash made with other settings is made
 * again at the next sign-in.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 12;
/** Longer passwords are refused rather than hashed, so a huge body cannot tie up the hasher. */
export const MAX_PASSWORD_LENGTH = 1024;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made with other settings than these: hash the password again. */
  needsRehash(hash: string): boolean;
  /** A hash to verify against when there is no account, so a miss costs as much as a wrong password. */
  dummyHash(): Promise<string>;
}

export function passwordHasher(memoryKib: number): PasswordHasher {
  const options = { type: argon2.argon2id, memoryCost: memoryKib, timeCost: 3, parallelism: 4 } as const;
  const hash = (password: string) => argon2.hash(password, options);
  return {
    hash,
    async verify(stored, password) {
      try {
        return await argon2.verify(stored, password);
      } catch {
        // A stored hash that is not an argon2 hash never matches.
        return false;
      }
    },
    needsRehash: (stored) => argon2.needsRehash(stored, options),
    dummyHash: () => hash(randomBytes(24).toString('base64')),
  };
}
