/**
 * Sessions and API tokens, kept on the server (tables `account_session` and `api_token`).
 *
 * - A session is made at sign-in. The sealed cookie carries only its random secret (32 bytes); the
 *   table keeps the secret's SHA-256, the account, when it started, was last seen and expires, the
 *   address and browser it started from, and when, why and by whom it was ended. A session that has
 *   been ended or has expired signs nobody in, so signing out, or an administrator ending it, takes
 *   effect on the cookie's next request wherever it was copied to.
 * - An API token (`jtk_…`, 32 random bytes) is shown once; only its SHA-256 is kept. It acts as its
 *   account, with that account's grants as they are at each request; a revoked token, or the token
 *   of a disabled account, is refused.
 *
 * Both tables are owner-only, like `account`: read and written here through `withSystem`.
 * Sessions and tokens stay in one file because they share the secret's hashing, the account's
 * live grants and the audit of ending one; each has its own section below.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withSystem, type Tx } from '../../db/index.ts';
import type { DB } from '../../db/index.ts';
import { recordAudit } from '../audit.ts';
import {
  API_TOKEN_FORM,
  administeredPartnerships,
  mayManageSessionsOf,
  sessionIsLive,
  sessionReach,
} from './access-rules.ts';
import type { Principal } from './principal.ts';

/** How often the "last seen" time of a session or token is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOKEN_NAME_LENGTH = 200;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Where a sign-in came from, as recorded with its session. */
export interface SessionOrigin {
  ipAddress: string | undefined;
  userAgent: string | undefined;
}

export interface SessionSummary {
  sessionId: number;
  accountId: number;
  email: string;
  displayName: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface TokenSummary {
  tokenId: number;
  accountId: number;
  email: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewToken {
  tokenId: number;
  accountId: number;
  name: string;
  /** The token itself: shown once, never stored. */
  token: string;
}

/** A request to make or end something that breaks a rule. */
export class SessionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionInputError';
  }
}

type LoadPrincipal = (tx: Tx, accountId: number) => Promise<Principal | null>;

const clip = (value: string | undefined, length: number): string | null =>
  value === undefined || value === '' ? null : value.slice(0, length);

async function grantOrgs(tx: Tx, accountIds: readonly number[]): Promise<Map<number, number[]>> {
  const byAccount = new Map<number, number[]>();
  if (accountIds.length === 0) return byAccount;
  const rows = await tx
    .selectFrom('role_grant')
    .select(['account_id', 'org_id'])
    .where('account_id', 'in', [...accountIds])
    .where('revoked_at', 'is', null)
    .execute();
  for (const row of rows)
    byAccount.set(row.account_id, [...(byAccount.get(row.account_id) ?? []), row.org_id]);
  return byAccount;
}

async function membersOf(tx: Tx, partnershipIds: readonly number[]): Promise<Map<number, number[]>> {
  const members = new Map<number, number[]>();
  if (partnershipIds.length === 0) return members;
  const rows = await tx
    .selectFrom('partnership_member')
    .select(['partnership_id', 'org_id'])
    .where('partnership_id', 'in', [...partnershipIds])
    .where('left_on', 'is', null)
    .where('role', '<>', 'vehicle')
    .execute();
  for (const row of rows)
    members.set(row.partnership_id, [...(members.get(row.partnership_id) ?? []), row.org_id]);
  return members;
}

async function auditForAccount(
  tx: Tx,
  accountId: number,
  entry: {
    by: number | null;
    action: 'create' | 'end';
    entityType: string;
    entityKey: string;
    after: unknown;
  },
): Promise<void> {
  for (const orgId of [...new Set((await grantOrgs(tx, [accountId])).get(accountId) ?? [])]) {
    await recordAudit(tx, {
      orgId,
      accountId: entry.by,
      action: entry.action,
      entityType: entry.entityType,
      entityKey: entry.entityKey,
      after: entry.after,
    });
  }
}

export interface SessionStore {
  /** Starts a session for the account; returns the secret the cookie carries. */
  startSession(accountId: number, lifetimeMs: number, origin: SessionOrigin): Promise<string>;
  /** The person a session secret signs in, while the session is live and the account enabled. */
  sessionPrincipal(secret: string): Promise<{ principal: Principal; sessionId: number } | null>;
  /** Signing out: ends the session the secret belongs to. */
  signOut(secret: string): Promise<void>;
  /** Every live session, for the command line. */
  liveSessions(): Promise<SessionSummary[]>;
  /** The live sessions a partnership administrator may manage; null for anyone who is not one. */
  sessionsManagedBy(admin: Principal): Promise<SessionSummary[] | null>;
  /**
   * Ends a live session: for the command line (`admin` null) any session; for a partnership
   * administrator only one within their reach (anything else is 'not_found', so nothing is revealed).
   */
  endSession(sessionId: number, admin: Principal | null): Promise<'ended' | 'not_found' | 'forbidden'>;

  /** Makes an API token for an account (by email); `createdBy` is the person making it, if signed in. */
  createToken(input: { email: string; name: string; createdBy: number | null }): Promise<NewToken>;
  /** The person a bearer token acts as; null for an unknown, malformed or revoked token or a disabled account. */
  tokenPrincipal(token: string): Promise<{ principal: Principal; tokenId: number } | null>;
  /** API tokens, newest first: one account's, or every account's (command line). */
  listTokens(accountId?: number): Promise<TokenSummary[]>;
  /** Revokes a token; `owner` limits it to that account's tokens (a person revoking their own). */
  revokeToken(tokenId: number, by: { accountId: number | null; owner?: number }): Promise<boolean>;
}

export function createSessionStore(db: Kysely<DB>, loadPrincipal: LoadPrincipal): SessionStore {
  const summaries = (tx: Tx) =>
    tx
      .selectFrom('account_session as s')
      .innerJoin('account as a', 'a.account_id', 's.account_id')
      .select([
        's.session_id',
        's.account_id',
        'a.email',
        'a.display_name',
        's.created_at',
        's.last_seen_at',
        's.expires_at',
        's.ip_address',
        's.user_agent',
      ])
      .where('s.ended_at', 'is', null)
      .where('s.expires_at', '>', new Date())
      .where('a.disabled_at', 'is', null)
      .orderBy('a.email')
      .orderBy('s.created_at', 'desc');
  type Row = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];
  const toSummary = (r: Row): SessionSummary => ({
    sessionId: r.session_id,
    accountId: r.account_id,
    email: r.email,
    displayName: r.display_name,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ipAddress: r.ip_address,
    userAgent: r.user_agent,
  });

  const reachOf = async (tx: Tx, admin: Principal): Promise<Set<number>> =>
    sessionReach(admin, await membersOf(tx, administeredPartnerships(admin)));

  return {
    async startSession(accountId, lifetimeMs, origin) {
      const secret = randomBytes(32).toString('base64url');
      // Every time of a session is this process's clock, the one its expiry is checked against.
      const now = new Date();
      await withSystem(db, (tx) =>
        tx
          .insertInto('account_session')
          .values({
            account_id: accountId,
            secret_hash: sha256(secret),
            created_at: now,
            last_seen_at: now,
            expires_at: new Date(now.getTime() + lifetimeMs),
            ip_address: clip(origin.ipAddress, 100),
            user_agent: clip(origin.userAgent, 500),
          })
          .execute(),
      );
      return secret;
    },

    async sessionPrincipal(secret) {
      if (typeof secret !== 'string' || secret === '' || secret.length > 100) return null;
      return withSystem(db, async (tx) => {
        const row = await tx
          .selectFrom('account_session')
          .select(['session_id', 'account_id', 'expires_at', 'ended_at', 'last_seen_at'])
          .where('secret_hash', '=', sha256(secret))
          .executeTakeFirst();
        const now = new Date();
        if (!row || !sessionIsLive({ expiresAt: row.expires_at, endedAt: row.ended_at }, now)) return null;
        const principal = await loadPrincipal(tx, row.account_id);
        if (!principal) return null;
        if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
          await tx
            .updateTable('account_session')
            .set({ last_seen_at: now })
            .where('session_id', '=', row.session_id)
            .execute();
        }
        return { principal, sessionId: row.session_id };
      });
    },

    async signOut(secret) {
      if (typeof secret !== 'string' || secret === '') return;
      await withSystem(db, (tx) =>
        tx
          .updateTable('account_session')
          .set({ ended_at: new Date(), end_reason: 'signed_out' })
          .where('secret_hash', '=', sha256(secret))
          .where('ended_at', 'is', null)
          .execute(),
      );
    },

    async liveSessions() {
      return withSystem(db, async (tx) => (await summaries(tx).execute()).map(toSummary));
    },

    async sessionsManagedBy(admin) {
      return withSystem(db, async (tx) => {
        const reach = await reachOf(tx, admin);
        if (reach.size === 0) return null;
        const rows = await summaries(tx).execute();
        const orgs = await grantOrgs(tx, [...new Set(rows.map((r) => r.account_id))]);
        return rows.filter((r) => mayManageSessionsOf(reach, orgs.get(r.account_id) ?? [])).map(toSummary);
      });
    },

    async endSession(sessionId, admin) {
      if (!Number.isSafeInteger(sessionId) || sessionId <= 0) return 'not_found';
      return withSystem(db, async (tx) => {
        let reach: Set<number> | undefined;
        if (admin !== null) {
          reach = await reachOf(tx, admin);
          if (reach.size === 0) return 'forbidden';
        }
        const row = await tx
          .selectFrom('account_session')
          .select(['session_id', 'account_id'])
          .where('session_id', '=', sessionId)
          .where('ended_at', 'is', null)
          .where('expires_at', '>', new Date())
          .executeTakeFirst();
        if (!row) return 'not_found';
        if (reach !== undefined) {
          const orgs = (await grantOrgs(tx, [row.account_id])).get(row.account_id) ?? [];
          if (!mayManageSessionsOf(reach, orgs)) return 'not_found';
        }
        await tx
          .updateTable('account_session')
          .set({
            ended_at: new Date(),
            end_reason: 'ended_by_administrator',
            ended_by: admin?.accountId ?? null,
          })
          .where('session_id', '=', sessionId)
          .execute();
        await auditForAccount(tx, row.account_id, {
          by: admin?.accountId ?? null,
          action: 'end',
          entityType: 'account_session',
          entityKey: String(sessionId),
          after: { accountId: row.account_id, endReason: 'ended_by_administrator' },
        });
        return 'ended';
      });
    },

    async createToken({ email, name, createdBy }) {
      const tidied = typeof name === 'string' ? name.trim() : '';
      if (tidied === '' || tidied.length > MAX_TOKEN_NAME_LENGTH) {
        throw new SessionInputError(
          `Give the token a name of 1 to ${MAX_TOKEN_NAME_LENGTH} characters that says what it is for.`,
        );
      }
      const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
      return withSystem(db, async (tx) => {
        const account = await tx
          .selectFrom('account')
          .select(['account_id', 'disabled_at'])
          .where('email', '=', address)
          .executeTakeFirst();
        if (!account) throw new SessionInputError(`There is no account for "${address}".`);
        if (account.disabled_at !== null)
          throw new SessionInputError(`The account for "${address}" is disabled.`);
        const token = `jtk_${randomBytes(32).toString('base64url')}`;
        const prefix = token.slice(0, 12);
        const row = await tx
          .insertInto('api_token')
          .values({
            account_id: account.account_id,
            name: tidied,
            token_hash: sha256(token),
            token_prefix: prefix,
            created_by: createdBy,
          })
          .returning('token_id')
          .executeTakeFirstOrThrow();
        await auditForAccount(tx, account.account_id, {
          by: createdBy,
          action: 'create',
          entityType: 'api_token',
          entityKey: String(row.token_id),
          after: { accountId: account.account_id, name: tidied, prefix },
        });
        return { tokenId: row.token_id, accountId: account.account_id, name: tidied, token };
      });
    },

    async tokenPrincipal(token) {
      if (!API_TOKEN_FORM.test(token)) return null;
      return withSystem(db, async (tx) => {
        const row = await tx
          .selectFrom('api_token')
          .select(['token_id', 'account_id', 'last_used_at'])
          .where('token_hash', '=', sha256(token))
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (!row) return null;
        const principal = await loadPrincipal(tx, row.account_id);
        if (!principal) return null;
        const now = new Date();
        if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
          await tx
            .updateTable('api_token')
            .set({ last_used_at: now })
            .where('token_id', '=', row.token_id)
            .execute();
        }
        return { principal, tokenId: row.token_id };
      });
    },

    async listTokens(accountId) {
      return withSystem(db, async (tx) => {
        let query = tx
          .selectFrom('api_token as t')
          .innerJoin('account as a', 'a.account_id', 't.account_id')
          .select([
            't.token_id',
            't.account_id',
            'a.email',
            't.name',
            't.token_prefix',
            't.created_at',
            't.last_used_at',
            't.revoked_at',
          ])
          .orderBy('t.created_at', 'desc')
          .orderBy('t.token_id', 'desc');
        if (accountId !== undefined) query = query.where('t.account_id', '=', accountId);
        return (await query.execute()).map((r) => ({
          tokenId: r.token_id,
          accountId: r.account_id,
          email: r.email,
          name: r.name,
          prefix: r.token_prefix,
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at,
          revokedAt: r.revoked_at,
        }));
      });
    },

    async revokeToken(tokenId, by) {
      if (!Number.isSafeInteger(tokenId) || tokenId <= 0) return false;
      return withSystem(db, async (tx) => {
        let update = tx
          .updateTable('api_token')
          .set({ revoked_at: new Date(), revoked_by: by.accountId })
          .where('token_id', '=', tokenId)
          .where('revoked_at', 'is', null);
        if (by.owner !== undefined) update = update.where('account_id', '=', by.owner);
        const row = await update.returning(['account_id', 'name']).executeTakeFirst();
        if (!row) return false;
        await auditForAccount(tx, row.account_id, {
          by: by.accountId,
          action: 'end',
          entityType: 'api_token',
          entityKey: String(tokenId),
          after: { accountId: row.account_id, name: row.name, revoked: true },
        });
        return true;
      });
    },
  };
}
