/**
 * Accounts and sign-in: the service that decides, in one place, who is signed in.
 *
 * - Passwords (passwords.ts): a sign-in for an unknown or disabled account still runs one
 *   verification, so the time taken does not reveal which email addresses have accounts.
 * - Accounts are provisioned by an administrator (`jointly account add`), checked first by
 *   account-input.ts; signing in with an organisation's identity provider (oidc.ts) only links to
 *   an account that already exists, by its subject, or the first time by a verified email address.
 * - Accounts and grants live in owner-only tables (accounts.repository.ts): they are read and
 *   written here, through `withSystem`, never from request context; grants and links are audited
 *   in the same transaction.
 * - Sessions and API tokens are sessions.ts; the cookie key is session-key.ts.
 */
import type { Kysely } from 'kysely';
import { withSystem } from '../../db/index.ts';
import type { DB } from '../../db/index.ts';
import { recordAudit } from '../audit.ts';
import {
  AccountInputError,
  checkAccountInput,
  checkGrantReferences,
  isValidEmail,
  normaliseEmail,
  type NewAccount,
} from './account-input.ts';
import {
  accountIdByEmail,
  accountIdBySubject,
  findAccountByEmail,
  findOrganisationByKey,
  findPartnershipBySlug,
  grantOrgIds,
  insertAccount,
  insertGrant,
  linkSubjectByEmail,
  listAccountSummaries,
  loadPrincipal,
  updatePasswordHash,
} from './accounts.repository.ts';
import { createOidcSignIn, type OidcClaims, type OidcSettings, type OidcSignIn } from './oidc.ts';
import { MAX_PASSWORD_LENGTH, passwordHasher } from './passwords.ts';
import type { Principal, RoleGrant } from './principal.ts';
import { keyFromSecret, storedSessionKey } from './session-key.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';

/** What the service needs of the configuration; the composition root passes it in. */
export interface AuthSettings {
  /** SESSION_SECRET; undefined keeps a key made once in the database. */
  sessionSecret: string | undefined;
  /** Where Jointly is reached, for the identity provider's return address. */
  publicUrl: string;
  oidc: OidcSettings | undefined;
  /** PASSWORD_HASH_MEMORY_KIB: the memory each password hash takes. */
  passwordMemoryKib: number;
}

export interface GrantSummary extends RoleGrant {
  orgName: string;
  orgCode: string | null;
  partnershipSlug: string | null;
  revoked: boolean;
}

export interface AccountSummary {
  accountId: number;
  email: string;
  displayName: string;
  hasPassword: boolean;
  hasOidc: boolean;
  disabled: boolean;
  grants: GrantSummary[];
}

/** Accounts and sign-in; sessions and API tokens (sessions.ts). */
export interface AuthService extends SessionStore {
  /** The principal for a correct email address and password; null otherwise (never says which was wrong). */
  signInWithPassword(email: string, password: string): Promise<Principal | null>;
  /** The principal for an account with its unrevoked grants; null when it does not exist or is disabled. */
  principal(accountId: number): Promise<Principal | null>;
  /** Creates an account with its grants, or reports the existing account with that email (left unchanged). */
  createAccount(account: NewAccount): Promise<{ accountId: number; created: boolean }>;
  /** The principal for someone the identity provider vouches for, when an account exists for them. */
  signInWithOidc(claims: OidcClaims): Promise<Principal | null>;
  /** The 32-byte key that seals session cookies. */
  sessionKey(): Buffer;
  /** Sign-in through the organisation's identity provider; undefined when it is not configured. */
  oidc: OidcSignIn | undefined;
  /** Every account with its grants, for administrators. */
  listAccounts(): Promise<AccountSummary[]>;
  /** An organisation by GSS code or GOV.UK slug. */
  findOrganisation(key: string): Promise<{ orgId: number; name: string } | undefined>;
  /** A partnership by slug. */
  findPartnership(slug: string): Promise<{ partnershipId: number; name: string } | undefined>;
}

export async function createAuthService({
  db,
  config,
}: {
  db: Kysely<DB>;
  config: AuthSettings;
}): Promise<AuthService> {
  const key =
    config.sessionSecret !== undefined ? keyFromSecret(config.sessionSecret) : await storedSessionKey(db);
  const passwords = passwordHasher(config.passwordMemoryKib);
  const missHash = await passwords.dummyHash();

  const principal = async (accountId: number): Promise<Principal | null> => {
    if (!Number.isSafeInteger(accountId) || accountId <= 0) return null;
    return withSystem(db, (tx) => loadPrincipal(tx, accountId));
  };

  async function signInWithPassword(email: string, password: string): Promise<Principal | null> {
    const address = normaliseEmail(typeof email === 'string' ? email : '');
    if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH) return null;
    if (!isValidEmail(address)) {
      await passwords.verify(missHash, password);
      return null;
    }
    const account = await withSystem(db, (tx) => findAccountByEmail(tx, address));
    if (!account || account.disabled_at !== null || account.password_hash === null) {
      await passwords.verify(missHash, password);
      return null;
    }
    if (!(await passwords.verify(account.password_hash, password))) return null;
    if (passwords.needsRehash(account.password_hash)) {
      const rehashed = await passwords.hash(password);
      await withSystem(db, (tx) => updatePasswordHash(tx, account.account_id, rehashed));
    }
    return principal(account.account_id);
  }

  async function createAccount(account: NewAccount): Promise<{ accountId: number; created: boolean }> {
    const { problems, grants } = checkAccountInput(account);
    if (problems.length) throw new AccountInputError(problems);
    const email = normaliseEmail(account.email);
    const displayName = account.displayName.trim();
    const passwordHash = account.password === undefined ? null : await passwords.hash(account.password);
    return withSystem(db, async (tx) => {
      const referenceProblems = await checkGrantReferences(tx, grants);
      if (referenceProblems.length) throw new AccountInputError(referenceProblems);
      const accountId = await insertAccount(tx, { email, displayName, passwordHash });
      if (accountId === undefined) return { accountId: await accountIdByEmail(tx, email), created: false };
      for (const grant of grants) {
        const grantId = await insertGrant(tx, { accountId, ...grant });
        await recordAudit(tx, {
          orgId: grant.orgId,
          accountId: null,
          action: 'grant',
          entityType: 'role_grant',
          entityKey: `${accountId}:${grantId}`,
          after: { accountId, email, displayName, ...grant },
        });
      }
      return { accountId, created: true };
    });
  }

  async function signInWithOidc(claims: OidcClaims): Promise<Principal | null> {
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    if (subject === '') return null;
    return withSystem(db, async (tx) => {
      const linked = await accountIdBySubject(tx, subject);
      if (linked !== undefined) return loadPrincipal(tx, linked);
      // The first time: link by email, only when the provider has verified the address.
      if (claims.emailVerified !== true || typeof claims.email !== 'string') return null;
      const email = normaliseEmail(claims.email);
      if (!isValidEmail(email)) return null;
      const accountId = await linkSubjectByEmail(tx, email, subject);
      if (accountId === undefined) return null;
      for (const orgId of await grantOrgIds(tx, accountId)) {
        await recordAudit(tx, {
          orgId,
          accountId,
          action: 'update',
          entityType: 'account',
          entityKey: String(accountId),
          before: { oidcSubject: null },
          after: { oidcSubject: subject },
        });
      }
      return loadPrincipal(tx, accountId);
    });
  }

  return {
    ...createSessionStore(db, loadPrincipal),
    sessionKey: () => Buffer.from(key),
    oidc: createOidcSignIn(config.oidc, config.publicUrl),
    principal,
    signInWithPassword,
    createAccount,
    signInWithOidc,
    listAccounts: () => withSystem(db, listAccountSummaries),
    async findOrganisation(key) {
      const trimmed = key.trim();
      if (trimmed === '') return undefined;
      return withSystem(db, (tx) => findOrganisationByKey(tx, trimmed));
    },
    findPartnership: (slug) => withSystem(db, (tx) => findPartnershipBySlug(tx, slug.trim())),
  };
}
