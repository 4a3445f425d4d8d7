/**
 * A partnership's membership as a ratified proposal changes it: a council joins from a date, or
 * leaves from one (its row gains the first day it is out). Each runs in the caller's transaction,
 * audited there; the caller's tenant scope must write the council (row-level security refuses
 * otherwise). A membership row is never deleted, so a council that left stays on record.
 */
import type { Tx } from '../db/index.ts';
import { ValidationProblem, recordAudit } from '../platform/index.ts';

export type MemberRole = 'member' | 'associate';

export async function joinPartnershipIn(
  tx: Tx,
  input: {
    orgId: number;
    partnershipId: number;
    role: MemberRole;
    joinedOn: string;
    accountId: number | null;
  },
): Promise<void> {
  const existing = await tx
    .selectFrom('partnership_member')
    .select(['left_on'])
    .where('org_id', '=', input.orgId)
    .where('partnership_id', '=', input.partnershipId)
    .executeTakeFirst();
  if (existing)
    throw new ValidationProblem({
      orgId:
        existing.left_on === null
          ? 'The council is a member of the partnership already'
          : `The council left the partnership on ${existing.left_on}: its membership stays on record and cannot be started again`,
    });
  await tx
    .insertInto('partnership_member')
    .values({
      org_id: input.orgId,
      partnership_id: input.partnershipId,
      role: input.role,
      joined_on: input.joinedOn,
    })
    .execute();
  await recordAudit(tx, {
    orgId: input.orgId,
    accountId: input.accountId,
    action: 'create',
    entityType: 'partnership_member',
    entityKey: `${input.partnershipId}:${input.orgId}`,
    after: { role: input.role, joined_on: input.joinedOn },
  });
}

export async function leavePartnershipIn(
  tx: Tx,
  input: { orgId: number; partnershipId: number; leftOn: string; accountId: number | null },
): Promise<void> {
  const row = await tx
    .updateTable('partnership_member')
    .set({ left_on: input.leftOn })
    .where('org_id', '=', input.orgId)
    .where('partnership_id', '=', input.partnershipId)
    .where('left_on', 'is', null)
    .where('joined_on', '<', input.leftOn)
    .returning(['role', 'joined_on'])
    .executeTakeFirst();
  if (!row)
    throw new ValidationProblem({
      orgId: `The council is not a member of the partnership that joined before ${input.leftOn}`,
    });
  await recordAudit(tx, {
    orgId: input.orgId,
    accountId: input.accountId,
    action: 'update',
    entityType: 'partnership_member',
    entityKey: `${input.partnershipId}:${input.orgId}`,
    before: { role: row.role, joined_on: row.joined_on, left_on: null },
    after: { role: row.role, joined_on: row.joined_on, left_on: input.leftOn },
  });
}
