/**
 * The SQL of accounts and their grants. Accounts and grants live in owner-only tables: every
 * function here takes a `withSystem` transaction, never one of request context.
 */
import type { Tx } from '../../db/index.ts';
import type { Role } from '../../db/index.ts';
import type { AccountSummary } from './auth.service.ts';
import type { Principal } from './principal.ts';

/** An enabled account with its unrevoked grants; null when it does not exist or is disabled. */
export async function loadPrincipal(tx: Tx, accountId: number): Promise<Principal | null> {
  const account = await tx
    .selectFrom('account')
    .select(['account_id', 'email', 'display_name'])
    .where('account_id', '=', accountId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!account) return null;
  const grants = await tx
    .selectFrom('role_grant')
    .select(['org_id', 'role', 'partnership_id', 'lgsl_codes'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('org_id')
    .orderBy('grant_id')
    .execute();
  return {
    accountId: account.account_id,
    email: account.email,
    displayName: account.display_name,
    grants: grants.map((g) => ({
      orgId: g.org_id,
      role: g.role,
      partnershipId: g.partnership_id,
      lgslCodes: g.lgsl_codes === null || g.lgsl_codes.length === 0 ? null : g.lgsl_codes,
    })),
  };
}

/** The organisations an account holds unrevoked grants at: where its changes are audited. */
export async function grantOrgIds(tx: Tx, accountId: number): Promise<number[]> {
  const rows = await tx
    .selectFrom('role_grant')
    .select('org_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map((r) => r.org_id);
}

export function findAccountByEmail(tx: Tx, email: string) {
  return tx
    .selectFrom('account')
    .select(['account_id', 'password_hash', 'disabled_at'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function updatePasswordHash(tx: Tx, accountId: number, passwordHash: string): Promise<void> {
  await tx
    .updateTable('account')
    .set({ password_hash: passwordHash })
    .where('account_id', '=', accountId)
    .execute();
}

/** The new account's id, or undefined when an account with that email exists (left unchanged). */
export async function insertAccount(
  tx: Tx,
  account: { email: string; displayName: string; passwordHash: string | null },
): Promise<number | undefined> {
  const inserted = await tx
    .insertInto('account')
    .values({ email: account.email, display_name: account.displayName, password_hash: account.passwordHash })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('account_id')
    .executeTakeFirst();
  return inserted?.account_id;
}

export async function accountIdByEmail(tx: Tx, email: string): Promise<number> {
  const row = await tx
    .selectFrom('account')
    .select('account_id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.account_id;
}

export async function insertGrant(
  tx: Tx,
  grant: {
    accountId: number;
    orgId: number;
    role: Role;
    partnershipId: number | null;
    lgslCodes: number[] | null;
  },
): Promise<number> {
  const row = await tx
    .insertInto('role_grant')
    .values({
      org_id: grant.orgId,
      account_id: grant.accountId,
      role: grant.role,
      partnership_id: grant.partnershipId,
      lgsl_codes: grant.lgslCodes,
    })
    .returning('grant_id')
    .executeTakeFirstOrThrow();
  return row.grant_id;
}

export async function accountIdBySubject(tx: Tx, subject: string): Promise<number | undefined> {
  const row = await tx
    .selectFrom('account')
    .select('account_id')
    .where('oidc_subject', '=', subject)
    .executeTakeFirst();
  return row?.account_id;
}

/** Links `subject` to the enabled, not yet linked account with `email`; its id, or undefined. */
export async function linkSubjectByEmail(
  tx: Tx,
  email: string,
  subject: string,
): Promise<number | undefined> {
  const row = await tx
    .updateTable('account')
    .set({ oidc_subject: subject })
    .where('email', '=', email)
    .where('oidc_subject', 'is', null)
    .where('disabled_at', 'is', null)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

export async function listAccountSummaries(tx: Tx): Promise<AccountSummary[]> {
  const accounts = await tx
    .selectFrom('account')
    .select(['account_id', 'email', 'display_name', 'password_hash', 'oidc_subject', 'disabled_at'])
    .orderBy('email')
    .execute();
  const grants = await tx
    .selectFrom('role_grant as g')
    .innerJoin('organisation as o', 'o.org_id', 'g.org_id')
    .leftJoin('partnership as p', 'p.partnership_id', 'g.partnership_id')
    .select([
      'g.account_id',
      'g.org_id',
      'g.role',
      'g.partnership_id',
      'g.lgsl_codes',
      'g.revoked_at',
      'o.name as org_name',
      'o.gss_code',
      'o.jurisdiction',
      'p.slug as partnership_slug',
    ])
    .orderBy('g.account_id')
    .orderBy('g.grant_id')
    .execute();
  return accounts.map((a) => ({
    accountId: a.account_id,
    email: a.email,
    displayName: a.display_name,
    hasPassword: a.password_hash !== null,
    hasOidc: a.oidc_subject !== null,
    disabled: a.disabled_at !== null,
    grants: grants
      .filter((g) => g.account_id === a.account_id)
      .map((g) => ({
        orgId: g.org_id,
        role: g.role,
        partnershipId: g.partnership_id,
        lgslCodes: g.lgsl_codes === null || g.lgsl_codes.length === 0 ? null : g.lgsl_codes,
        orgName: g.org_name,
        orgCode: g.jurisdiction ?? g.gss_code,
        partnershipSlug: g.partnership_slug,
        revoked: g.revoked_at !== null,
      })),
  }));
}

/** An organisation by GSS code or GOV.UK slug. */
export async function findOrganisationByKey(tx: Tx, key: string) {
  const row = await tx
    .selectFrom('organisation')
    .select(['org_id', 'name'])
    .where((eb) =>
      eb.or([eb('gss_code', '=', key.toUpperCase()), eb('jurisdiction', '=', key.toLowerCase())]),
    )
    .orderBy('org_id')
    .executeTakeFirst();
  return row ? { orgId: row.org_id, name: row.name } : undefined;
}

export async function findPartnershipBySlug(tx: Tx, slug: string) {
  const row = await tx
    .selectFrom('partnership')
    .select(['partnership_id', 'name'])
    .where('slug', '=', slug.toLowerCase())
    .executeTakeFirst();
  return row ? { partnershipId: row.partnership_id, name: row.name } : undefined;
}
