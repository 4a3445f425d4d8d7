/**
 * Accounts, sign-in and the key that seals session cookies.
 *
 * - Passwords are hashed with argon2id. A sign-in for an unknown or disabled account still runs one
 *   verification (against a hash of a random password) so the time taken does not reveal which
 *   email addresses have accounts.
 * - Accounts are provisioned by an administrator (`jointly account add`); signing in with an
 *   organisation's identity provider (OpenID Connect) only links to an account that already exists,
 *   by its subject, or the first time by a verified email address.
 * - Accounts and grants live in owner-only tables: they are read and written here, through
 *   `withSystem`, never from request context.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Kysely } from 'kysely';
import * as oidcClient from 'openid-client';
import type { Config } from '../../app/config.ts';
import { withSystem, type Tx } from '../../db/context.ts';
import type { DB, Role } from '../../db/schema.ts';
import { recordAudit } from '../audit.ts';
import type { Principal, RoleGrant } from './principal.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';

export const ROLES: readonly Role[] = ['partnership_admin', 'officer', 'councillor', 'agent'];

export const ROLE_NAMES: Record<Role, string> = {
  partnership_admin: 'partnership administrator',
  officer: 'officer',
  councillor: 'councillor',
  agent: 'contact-centre agent',
};

export const MIN_PASSWORD_LENGTH = 12;
/** Longer passwords are refused rather than hashed, so a huge body cannot tie up the hasher. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;

const SESSION_KEY_BYTES = 32;
const SESSION_KEY_SECRET_NAME = 'session_key';

const HASH_OPTIONS = { type: argon2.argon2id } as const;

/** Input for a new account that breaks a rule: every problem found, in one message. */
export class AccountInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'AccountInputError';
  }
}

export interface NewAccount {
  email: string;
  displayName: string;
  /** Omitted for an account that signs in only through the organisation's identity provider. */
  password?: string;
  grants: RoleGrant[];
}

/** What Jointly uses from an identity provider's ID token (or user info). */
export interface OidcClaims {
  sub: string;
  email?: string;
  /** True only when the provider says it has verified the email address. */
  emailVerified?: boolean;
  name?: string;
}

/** The values kept in the session between sending someone to the provider and their return. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcSignIn {
  /** Where to send someone to sign in with the provider (PKCE S256, state and nonce). */
  authorizationUrl(state: string, nonce: string, codeVerifier: string): Promise<URL>;
  /** Completes the sign-in from the URL the provider sent them back to; throws when any check fails. */
  callback(currentUrl: URL, checks: OidcChecks): Promise<OidcClaims>;
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

/** Email addresses are compared trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email);
}

/** The key from SESSION_SECRET: its bytes when it is exactly 32 bytes long, else derived with HKDF-SHA-256. */
export function keyFromSecret(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length === SESSION_KEY_BYTES) return bytes;
  return Buffer.from(hkdfSync('sha256', bytes, 'jointly', 'jointly session cookie key', SESSION_KEY_BYTES));
}

/** The key kept in the database: made once, by whichever process gets there first. */
async function storedSessionKey(db: Kysely<DB>): Promise<Buffer> {
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

async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A stored hash that is not an argon2 hash never matches.
    return false;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function createOidcSignIn(config: Config): OidcSignIn | undefined {
  const settings = config.oidc;
  if (settings === undefined) return undefined;
  const redirectUri = new URL('/sign-in/oidc/callback', config.publicUrl);
  let pending: Promise<oidcClient.Configuration> | undefined;

  // Discovery waits for the first sign-in, so Jointly starts even when the provider cannot be reached.
  const configuration = (): Promise<oidcClient.Configuration> => {
    if (pending === undefined) {
      const issuer = new URL(settings.issuer);
      // Plain HTTP is allowed only for a provider on this machine (development).
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
      const attempt = oidcClient.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret === undefined ? oidcClient.None() : undefined,
        insecure ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
      );
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };

  return {
    async authorizationUrl(state, nonce, codeVerifier) {
      const server = await configuration();
      return oidcClient.buildAuthorizationUrl(server, {
        redirect_uri: redirectUri.href,
        scope: 'openid email profile',
        code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },
    async callback(currentUrl, checks) {
      const server = await configuration();
      // The provider's answer, on the registered redirect address (whatever host the request came in on).
      const returned = new URL(redirectUri);
      returned.search = currentUrl.search;
      const tokens = await oidcClient.authorizationCodeGrant(server, returned, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (idToken === undefined) throw new Error('The identity provider did not return an ID token.');
      let source: Record<string, unknown> = idToken;
      if (typeof idToken.email !== 'string' && tokens.access_token) {
        source = {
          ...(await oidcClient.fetchUserInfo(server, tokens.access_token, idToken.sub)),
          sub: idToken.sub,
        };
      }
      return {
        sub: idToken.sub,
        ...(typeof source.email === 'string' ? { email: source.email } : {}),
        emailVerified: source.email_verified === true,
        ...(typeof source.name === 'string' ? { name: source.name } : {}),
      };
    },
  };
}

interface ValidGrant {
  orgId: number;
  role: Role;
  partnershipId: number | null;
  lgslCodes: number[] | null;
}

/** Checks what can be checked without the database; returns the problems and the grants tidied. */
function checkAccountInput(account: NewAccount): { problems: string[]; grants: ValidGrant[] } {
  const problems: string[] = [];
  const email = normaliseEmail(typeof account.email === 'string' ? account.email : '');
  if (email === '') problems.push('Enter an email address.');
  else if (!isValidEmail(email)) problems.push(`"${email}" is not a valid email address.`);
  const displayName = typeof account.displayName === 'string' ? account.displayName.trim() : '';
  if (displayName === '') problems.push('Enter a name for the account.');
  else if (displayName.length > MAX_NAME_LENGTH)
    problems.push(`The name must be ${MAX_NAME_LENGTH} characters or fewer.`);
  if (account.password !== undefined) {
    if (typeof account.password !== 'string' || account.password.length < MIN_PASSWORD_LENGTH) {
      problems.push(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
    } else if (account.password.length > MAX_PASSWORD_LENGTH) {
      problems.push(`The password must be ${MAX_PASSWORD_LENGTH} characters or fewer.`);
    }
  }
  const grants: ValidGrant[] = [];
  for (const [index, grant] of (Array.isArray(account.grants) ? account.grants : []).entries()) {
    const label = `Grant ${index + 1}`;
    const before = problems.length;
    if (!ROLES.includes(grant.role)) {
      problems.push(`${label}: the role must be one of ${ROLES.join(', ')}, not "${String(grant.role)}".`);
    }
    if (!Number.isSafeInteger(grant.orgId) || grant.orgId <= 0)
      problems.push(`${label}: name the organisation.`);
    const partnershipId = grant.partnershipId ?? null;
    if (grant.role === 'partnership_admin') {
      if (partnershipId === null) problems.push(`${label}: a partnership administrator needs a partnership.`);
      else if (!Number.isSafeInteger(partnershipId) || partnershipId <= 0)
        problems.push(`${label}: the partnership is not valid.`);
    } else if (partnershipId !== null) {
      problems.push(`${label}: only a partnership administrator's role names a partnership.`);
    }
    let lgslCodes: number[] | null = null;
    if (grant.lgslCodes !== null && grant.lgslCodes !== undefined) {
      if (
        !Array.isArray(grant.lgslCodes) ||
        !grant.lgslCodes.every((c) => Number.isSafeInteger(c) && c > 0)
      ) {
        problems.push(`${label}: services must be LGSL codes (whole numbers).`);
      } else if (grant.lgslCodes.length > 0) {
        if (grant.role === 'partnership_admin') {
          problems.push(
            `${label}: a partnership administrator's role covers every service; do not list services.`,
          );
        }
        lgslCodes = [...new Set(grant.lgslCodes)].sort((a, b) => a - b);
      }
    }
    if (problems.length === before)
      grants.push({ orgId: grant.orgId, role: grant.role, partnershipId, lgslCodes });
  }
  return { problems, grants };
}

/** Checks the grants against the database: organisations, partnerships, membership and services exist. */
async function checkGrantReferences(tx: Tx, grants: readonly ValidGrant[]): Promise<string[]> {
  const problems: string[] = [];
  const orgIds = [...new Set(grants.map((g) => g.orgId))];
  const partnershipIds = [
    ...new Set(grants.flatMap((g) => (g.partnershipId === null ? [] : [g.partnershipId]))),
  ];
  const codes = [...new Set(grants.flatMap((g) => g.lgslCodes ?? []))];
  const orgs = orgIds.length
    ? new Set(
        (await tx.selectFrom('organisation').select('org_id').where('org_id', 'in', orgIds).execute()).map(
          (r) => r.org_id,
        ),
      )
    : new Set<number>();
  const partnerships = partnershipIds.length
    ? new Set(
        (
          await tx
            .selectFrom('partnership')
            .select('partnership_id')
            .where('partnership_id', 'in', partnershipIds)
            .execute()
        ).map((r) => r.partnership_id),
      )
    : new Set<number>();
  const members = partnershipIds.length
    ? new Set(
        (
          await tx
            .selectFrom('partnership_member')
            .select(['org_id', 'partnership_id'])
            .where('partnership_id', 'in', partnershipIds)
            .execute()
        ).map((r) => `${r.org_id}:${r.partnership_id}`),
      )
    : new Set<string>();
  const services = codes.length
    ? new Set(
        (await tx.selectFrom('service').select('lgsl_code').where('lgsl_code', 'in', codes).execute()).map(
          (r) => r.lgsl_code,
        ),
      )
    : new Set<number>();
  for (const [index, grant] of grants.entries()) {
    const label = `Grant ${index + 1}`;
    if (!orgs.has(grant.orgId)) problems.push(`${label}: there is no organisation ${grant.orgId}.`);
    if (grant.partnershipId !== null) {
      if (!partnerships.has(grant.partnershipId)) {
        problems.push(`${label}: there is no partnership ${grant.partnershipId}.`);
      } else if (orgs.has(grant.orgId) && !members.has(`${grant.orgId}:${grant.partnershipId}`)) {
        problems.push(`${label}: the organisation is not a member of the partnership.`);
      }
    }
    const unknown = (grant.lgslCodes ?? []).filter((c) => !services.has(c));
    if (unknown.length) problems.push(`${label}: there is no service with LGSL code ${unknown.join(', ')}.`);
  }
  return problems;
}

export async function createAuthService({
  db,
  config,
}: {
  db: Kysely<DB>;
  config: Config;
}): Promise<AuthService> {
  const key =
    config.sessionSecret !== undefined ? keyFromSecret(config.sessionSecret) : await storedSessionKey(db);
  // Verified against when there is no account, so a miss costs as much as a wrong password.
  const dummyHash = await argon2.hash(randomBytes(24).toString('base64'), HASH_OPTIONS);

  const loadPrincipal = async (tx: Tx, accountId: number): Promise<Principal | null> => {
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
  };

  const principal = async (accountId: number): Promise<Principal | null> => {
    if (!Number.isSafeInteger(accountId) || accountId <= 0) return null;
    return withSystem(db, (tx) => loadPrincipal(tx, accountId));
  };

  const grantOrgIds = async (tx: Tx, accountId: number): Promise<number[]> =>
    (
      await tx
        .selectFrom('role_grant')
        .select('org_id')
        .distinct()
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .execute()
    ).map((r) => r.org_id);

  return {
    ...createSessionStore(db, loadPrincipal),
    sessionKey: () => Buffer.from(key),
    oidc: createOidcSignIn(config),
    principal,

    async signInWithPassword(email, password) {
      const address = normaliseEmail(typeof email === 'string' ? email : '');
      if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH)
        return null;
      if (!isValidEmail(address)) {
        await verifyPassword(dummyHash, password);
        return null;
      }
      const account = await withSystem(db, (tx) =>
        tx
          .selectFrom('account')
          .select(['account_id', 'password_hash', 'disabled_at'])
          .where('email', '=', address)
          .executeTakeFirst(),
      );
      if (!account || account.disabled_at !== null || account.password_hash === null) {
        await verifyPassword(dummyHash, password);
        return null;
      }
      if (!(await verifyPassword(account.password_hash, password))) return null;
      if (argon2.needsRehash(account.password_hash)) {
        const rehashed = await argon2.hash(password, HASH_OPTIONS);
        await withSystem(db, (tx) =>
          tx
            .updateTable('account')
            .set({ password_hash: rehashed })
            .where('account_id', '=', account.account_id)
            .execute(),
        );
      }
      return principal(account.account_id);
    },

    async createAccount(account) {
      const { problems, grants } = checkAccountInput(account);
      if (problems.length) throw new AccountInputError(problems);
      const email = normaliseEmail(account.email);
      const displayName = account.displayName.trim();
      const passwordHash =
        account.password === undefined ? null : await argon2.hash(account.password, HASH_OPTIONS);
      return withSystem(db, async (tx) => {
        const referenceProblems = await checkGrantReferences(tx, grants);
        if (referenceProblems.length) throw new AccountInputError(referenceProblems);
        const inserted = await tx
          .insertInto('account')
          .values({ email, display_name: displayName, password_hash: passwordHash })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('account_id')
          .executeTakeFirst();
        if (!inserted) {
          const existing = await tx
            .selectFrom('account')
            .select('account_id')
            .where('email', '=', email)
            .executeTakeFirstOrThrow();
          return { accountId: existing.account_id, created: false };
        }
        const accountId = inserted.account_id;
        for (const grant of grants) {
          const row = await tx
            .insertInto('role_grant')
            .values({
              org_id: grant.orgId,
              account_id: accountId,
              role: grant.role,
              partnership_id: grant.partnershipId,
              lgsl_codes: grant.lgslCodes,
            })
            .returning('grant_id')
            .executeTakeFirstOrThrow();
          await recordAudit(tx, {
            orgId: grant.orgId,
            accountId: null,
            action: 'grant',
            entityType: 'role_grant',
            entityKey: `${accountId}:${row.grant_id}`,
            after: { accountId, email, displayName, ...grant },
          });
        }
        return { accountId, created: true };
      });
    },

    async signInWithOidc(claims) {
      const subject = typeof claims.sub === 'string' ? claims.sub : '';
      if (subject === '') return null;
      return withSystem(db, async (tx) => {
        const linked = await tx
          .selectFrom('account')
          .select('account_id')
          .where('oidc_subject', '=', subject)
          .executeTakeFirst();
        if (linked) return loadPrincipal(tx, linked.account_id);
        // The first time: link by email, only when the provider has verified the address.
        if (claims.emailVerified !== true || typeof claims.email !== 'string') return null;
        const email = normaliseEmail(claims.email);
        if (!isValidEmail(email)) return null;
        const updated = await tx
          .updateTable('account')
          .set({ oidc_subject: subject })
          .where('email', '=', email)
          .where('oidc_subject', 'is', null)
          .where('disabled_at', 'is', null)
          .returning('account_id')
          .executeTakeFirst();
        if (!updated) return null;
        for (const orgId of await grantOrgIds(tx, updated.account_id)) {
          await recordAudit(tx, {
            orgId,
            accountId: updated.account_id,
            action: 'update',
            entityType: 'account',
            entityKey: String(updated.account_id),
            before: { oidcSubject: null },
            after: { oidcSubject: subject },
          });
        }
        return loadPrincipal(tx, updated.account_id);
      });
    },

    async listAccounts() {
      return withSystem(db, async (tx) => {
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
      });
    },

    async findOrganisation(key) {
      const trimmed = key.trim();
      if (trimmed === '') return undefined;
      const row = await withSystem(db, (tx) =>
        tx
          .selectFrom('organisation')
          .select(['org_id', 'name'])
          .where((eb) =>
            eb.or([
              eb('gss_code', '=', trimmed.toUpperCase()),
              eb('jurisdiction', '=', trimmed.toLowerCase()),
            ]),
          )
          .orderBy('org_id')
          .executeTakeFirst(),
      );
      return row ? { orgId: row.org_id, name: row.name } : undefined;
    },

    async findPartnership(slug) {
      const row = await withSystem(db, (tx) =>
        tx
          .selectFrom('partnership')
          .select(['partnership_id', 'name'])
          .where('slug', '=', slug.trim().toLowerCase())
          .executeTakeFirst(),
      );
      return row ? { partnershipId: row.partnership_id, name: row.name } : undefined;
    },
  };
}
