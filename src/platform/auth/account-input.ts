/**
 * The rules for a new account and its grants, checked before anything is written: what can be
 * checked from the input alone (`checkAccountInput`, pure), then what needs the database
 * (`checkGrantReferences`). Every problem is reported at once, in words an administrator can act on.
 */
import type { Tx } from '../../db/index.ts';
import type { Role } from '../../db/index.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.ts';
import type { RoleGrant } from './principal.ts';

export const ROLES: readonly Role[] = [
  'partnership_admin',
  'officer',
  'councillor',
  'agent',
  'finance_officer',
  'finance_lead',
  'clerk',
];

/** The roles whose grant names a partnership: they act for the partnership, not only a council. */
export const PARTNERSHIP_ROLES: readonly Role[] = ['partnership_admin', 'finance_lead'];

export const ROLE_NAMES: Record<Role, string> = {
  partnership_admin: 'partnership administrator',
  officer: 'officer',
  councillor: 'councillor',
  agent: 'contact-centre agent',
  finance_officer: 'finance officer',
  finance_lead: 'partnership finance lead',
  clerk: 'democratic services officer',
};

const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;

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

/** Email addresses are compared trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email);
}

export interface ValidGrant {
  orgId: number;
  role: Role;
  partnershipId: number | null;
  lgslCodes: number[] | null;
}

/** Checks what can be checked without the database; returns the problems and the grants tidied. */
export function checkAccountInput(account: NewAccount): { problems: string[]; grants: ValidGrant[] } {
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
    if (PARTNERSHIP_ROLES.includes(grant.role)) {
      if (partnershipId === null) problems.push(`${label}: a ${ROLE_NAMES[grant.role]} needs a partnership.`);
      else if (!Number.isSafeInteger(partnershipId) || partnershipId <= 0)
        problems.push(`${label}: the partnership is not valid.`);
    } else if (partnershipId !== null) {
      problems.push(
        `${label}: only a partnership administrator's or finance lead's role names a partnership.`,
      );
    }
    let lgslCodes: number[] | null = null;
    if (grant.lgslCodes !== null && grant.lgslCodes !== undefined) {
      if (
        !Array.isArray(grant.lgslCodes) ||
        !grant.lgslCodes.every((c) => Number.isSafeInteger(c) && c > 0)
      ) {
        problems.push(`${label}: services must be LGSL codes (whole numbers).`);
      } else if (grant.lgslCodes.length > 0) {
        if (PARTNERSHIP_ROLES.includes(grant.role)) {
          problems.push(
            `${label}: a ${ROLE_NAMES[grant.role]}'s role covers every service; do not list services.`,
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
export async function checkGrantReferences(tx: Tx, grants: readonly ValidGrant[]): Promise<string[]> {
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
