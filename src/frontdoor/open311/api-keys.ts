/**
 * API keys for Open311 clients. Each key belongs to one organisation (the council whose
 * `jurisdiction_id` the client uses). The key is shown once, when it is made; only its SHA-256 hash
 * is kept, with a prefix to find it by. Keys are long random strings, so a fast hash is enough.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { withSystem } from '../../db/index.ts';
import { recordAudit } from '../../platform/index.ts';

const KEY_FORM = /^jly_([A-Za-z0-9_-]{12})([A-Za-z0-9_-]{20,})$/;

export interface ApiClient {
  orgId: number;
  keyId: number;
  name: string;
  jurisdiction: string | null;
}

export interface NewApiKey extends ApiClient {
  /** The key itself: shown once, never stored. */
  key: string;
}

export class ApiKeyError extends Error {}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** Makes a key for a client of the council with this GOV.UK slug (its jurisdiction_id). */
export async function createApiKey(
  db: Kysely<DB>,
  request: { jurisdiction: string; name: string; accountId?: number | null },
): Promise<NewApiKey> {
  const name = request.name.trim();
  if (name === '' || name.length > 200)
    throw new ApiKeyError('give the client a name of 1 to 200 characters');
  const org = await db
    .selectFrom('organisation')
    .select(['org_id', 'jurisdiction'])
    .where('jurisdiction', '=', request.jurisdiction.trim().toLowerCase())
    .executeTakeFirst();
  if (!org) {
    throw new ApiKeyError(
      `there is no council with the jurisdiction "${request.jurisdiction}"; use its GOV.UK slug, such as exeter or devon`,
    );
  }
  const key = `jly_${randomBytes(30).toString('base64url')}`;
  const prefix = KEY_FORM.exec(key)![1]!;
  const keyId = await withSystem(db, async (tx) => {
    const row = await tx
      .insertInto('api_key')
      .values({ org_id: org.org_id, name, key_prefix: prefix, key_hash: hash(key) })
      .returning('key_id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      orgId: org.org_id,
      accountId: request.accountId ?? null,
      action: 'create',
      entityType: 'api_key',
      entityKey: String(row.key_id),
      after: { name, prefix },
    });
    return row.key_id;
  });
  return { orgId: org.org_id, keyId, name, jurisdiction: org.jurisdiction, key };
}

/** The client a key belongs to, or undefined for a key that is unknown, malformed or revoked. */
export async function verifyApiKey(db: Kysely<DB>, key: string | undefined): Promise<ApiClient | undefined> {
  if (!key) return undefined;
  const match = KEY_FORM.exec(key.trim());
  if (!match) return undefined;
  const candidates = await db
    .selectFrom('api_key')
    .innerJoin('organisation', 'organisation.org_id', 'api_key.org_id')
    .select([
      'api_key.org_id',
      'api_key.key_id',
      'api_key.name',
      'api_key.key_hash',
      'organisation.jurisdiction',
    ])
    .where('api_key.key_prefix', '=', match[1]!)
    .where('api_key.revoked_at', 'is', null)
    .execute();
  const wanted = Buffer.from(hash(key.trim()), 'hex');
  const found = candidates.find((c) => timingSafeEqual(Buffer.from(c.key_hash, 'hex'), wanted));
  return (
    found && { orgId: found.org_id, keyId: found.key_id, name: found.name, jurisdiction: found.jurisdiction }
  );
}

/** Stops a key working from now on. */
export async function revokeApiKey(db: Kysely<DB>, orgId: number, keyId: number): Promise<boolean> {
  return withSystem(db, async (tx) => {
    const result = await tx
      .updateTable('api_key')
      .set({ revoked_at: new Date() })
      .where('org_id', '=', orgId)
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const revoked = Number(result.numUpdatedRows) === 1;
    if (revoked) {
      await recordAudit(tx, {
        orgId,
        accountId: null,
        action: 'end',
        entityType: 'api_key',
        entityKey: String(keyId),
      });
    }
    return revoked;
  });
}
