/**
 * Small, real fixtures for tests that do not need the whole reference data: a few councils from
 * ../shared/data/authorities and services from the LGSL list, inserted as the schema owner.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { withSystem, type Tx } from '../../src/db/context.ts';

export const COUNCILS = {
  devon: { gss: 'E10000008', name: 'Devon County Council', short: 'Devon', kind: 'county', parent: null },
  exeter: {
    gss: 'E07000041',
    name: 'Exeter City Council',
    short: 'Exeter',
    kind: 'district',
    parent: 'E10000008',
  },
  teignbridge: {
    gss: 'E07000045',
    name: 'Teignbridge District Council',
    short: 'Teignbridge',
    kind: 'district',
    parent: 'E10000008',
  },
  gloucestershire: {
    gss: 'E10000013',
    name: 'Gloucestershire County Council',
    short: 'Gloucestershire',
    kind: 'county',
    parent: null,
  },
  cotswold: {
    gss: 'E07000079',
    name: 'Cotswold District Council',
    short: 'Cotswold',
    kind: 'district',
    parent: 'E10000013',
  },
  plymouth: {
    gss: 'E06000026',
    name: 'Plymouth City Council',
    short: 'Plymouth',
    kind: 'unitary',
    parent: null,
  },
} as const;

export type CouncilKey = keyof typeof COUNCILS;

export const SERVICES = [
  {
    lgsl_code: 524,
    label: 'Household waste collection',
    status: 'Live',
    providing_tier: 'district' as const,
  },
  { lgsl_code: 530, label: 'Household garden waste', status: 'Live', providing_tier: 'district' as const },
  { lgsl_code: 1, label: 'Home schooling', status: 'Live', providing_tier: 'county' as const },
  { lgsl_code: 1152, label: 'Abandoned shopping trolleys', status: 'Live', providing_tier: null },
];

export interface Fixture {
  org: Record<CouncilKey, number>;
  partnershipId: number;
}

/** Inserts the councils (and their areas), the services and one partnership of Exeter, Teignbridge and Devon. */
/** A partnership of tests, whose members joined in April 2008; returns its id. */
export async function addTestPartnership(
  tx: Tx,
  slug: string,
  name: string,
  memberOrgIds: readonly number[],
): Promise<number> {
  const { partnership_id: partnershipId } = await tx
    .insertInto('partnership')
    .values({ slug, name })
    .returning('partnership_id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('partnership_member')
    .values(
      memberOrgIds.map((orgId) => ({
        org_id: orgId,
        partnership_id: partnershipId,
        role: 'member' as const,
        joined_on: '2008-04-01',
      })),
    )
    .execute();
  return partnershipId;
}

export async function loadFixture(db: Kysely<DB>): Promise<Fixture> {
  return withSystem(db, async (tx) => {
    const list = Object.entries(COUNCILS).sort(
      ([, a], [, b]) => Number(a.parent !== null) - Number(b.parent !== null),
    );
    const org = {} as Record<CouncilKey, number>;
    for (const [key, c] of list) {
      await tx
        .insertInto('area')
        .values({ code: c.gss, name: c.short, kind: c.kind, parent_code: c.parent, source: 'test' })
        .execute();
      const row = await tx
        .insertInto('organisation')
        .values({
          kind: c.kind,
          name: c.name,
          short_name: c.short,
          gss_code: c.gss,
          jurisdiction: key,
          area_code: c.gss,
          parent_org_id: c.parent ? org[c.parent === 'E10000008' ? 'devon' : 'gloucestershire'] : null,
          source: 'test',
        })
        .returning('org_id')
        .executeTakeFirstOrThrow();
      org[key as CouncilKey] = row.org_id;
    }
    await tx.insertInto('service').values(SERVICES).execute();
    const partnershipId = await addTestPartnership(tx, 'test-devon', 'Test Devon partnership', [
      org.devon,
      org.exeter,
      org.teignbridge,
    ]);
    return { org, partnershipId };
  });
}
