/**
 * The 32-byte key that seals session cookies: from SESSION_SECRET when it is set, otherwise made
 * once and kept in the database (`app_secret`), so every process on one database shares it.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withSystem } from '../../db/index.ts';
import type { DB } from '../../db/index.ts';

const SESSION_KEY_BYTES = 32;
const SESSION_KEY_SECRET_NAME = 'session_key';

/** The key from SESSION_SECRET: its bytes when it is exactly 32 bytes long, else derived with HKDF-SHA-256. */
export function keyFromSecret(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length === SESSION_KEY_BYTES) return bytes;
  return Buffer.from(hkdfSync('sha256', bytes, 'jointly', 'jointly session cookie key', SESSION_KEY_BYTES));
}

/** The key kept in the database: made once, by whichever process gets there first. */
export async function storedSessionKey(db: Kysely<DB>): Promise<Buffer> {
  const value = await withSystem(db, async (tx) => {
    await tx
      .insertInto('app_secret')
      .values({ name: SESSION_KEY_SECRET_NAME, value: randomBytes(SESSION_KEY_BYTES).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await tx
      .selectFrom('app_secret')
      .select('value')
      .where('name', '=', SESSION_KEY_SECRET_NAME)
      .executeTakeFirstOrThrow();
    return row.value;
  });
  const key = Buffer.from(value, 'base64');
  if (key.length !== SESSION_KEY_BYTES) {
    throw new Error(
      `The stored session key is not ${SESSION_KEY_BYTES} bytes long; delete it to make a new one.`,
    );
  }
  return key;
}
