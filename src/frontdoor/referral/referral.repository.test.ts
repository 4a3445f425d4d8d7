import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../../test/support/database.ts';
import { insideTenantTransactions, watchStatements } from '../../../test/support/statements.ts';
import type { Database } from '../../db/engine.ts';
import { withSystem, withTenant } from '../../db/index.ts';
import { createGeographyService } from '../../geography/index.ts';
import { createResponsibleService } from '../../register/index.ts';
import { RESIDENT, type CaseActor } from '../cases/case-actor.ts';
import { createCasesService } from '../cases/cases.service.ts';
import type { CasesService } from '../cases/cases.types.ts';
import { dueDateFromServiceLevels } from '../service-levels/service-levels.ts';
import { caseToRefer } from './referral.repository.ts';

const SLUGS = ['devon', 'exeter', 'teignbridge', 'rugby', 'warwickshire', 'torridge'] as const;

describe('the case to refer and where it may go, read in one statement', () => {
  let database: Database;
  let cases: CasesService;
  const org: Record<string, number> = {};
  const officerOf = (orgId: number): CaseActor => ({
    accountId: null,
    name: 'Sam Officer',
    readOrgs: [orgId],
    writeOrgs: [orgId],
    frontDoorOrgs: [orgId],
    mayHandle: (o, p) => o === orgId || p === orgId,
    mayNote: (o, p) => o === orgId || p === orgId,
    mayRefer: (o, p) => o === orgId || p === orgId,
  });

  // Watching from before the database opens, so that every connection is watched.
  const watcher = watchStatements();

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const geography = await createGeographyService(database.db);
    const responsible = createResponsibleService({ db: database.db, geography });
    cases = createCasesService({ db: database.db, responsible, dueDate: dueDateFromServiceLevels });
    const rows = await database.db
      .selectFrom('organisation')
      .select(['org_id', 'jurisdiction'])
      .where('jurisdiction', 'in', [...SLUGS])
      .execute();
    for (const row of rows) org[row.jurisdiction!] = row.org_id;
    // Exeter is in three partnerships. Devon is its partner in two: the first by name is named.
    // Teignbridge left one; Torridge joins another only next century; Warwickshire is the
    // partnership's company (a vehicle), not a member; Rugby is an associate.
    await withSystem(database.db, async (tx) => {
      const partnership = async (slug: string, name: string) =>
        (
          await tx
            .insertInto('partnership')
            .values({ slug, name })
            .returning('partnership_id')
            .executeTakeFirstOrThrow()
        ).partnership_id;
      const beta = await partnership('test-beta', 'Beta partnership');
      const alpha = await partnership('test-alpha', 'Alpha partnership');
      const gamma = await partnership('test-gamma', 'Gamma partnership');
      const member = (
        partnershipId: number,
        orgId: number,
        role: 'member' | 'associate' | 'vehicle' = 'member',
        dates: { joined_on?: string; left_on?: string } = {},
      ) => ({ partnership_id: partnershipId, org_id: orgId, role, joined_on: '2008-04-01', ...dates });
      await tx
        .insertInto('partnership_member')
        .values([
          member(beta, org.exeter!),
          member(beta, org.devon!),
          member(beta, org.teignbridge!, 'member', { left_on: '2020-01-01' }),
          member(alpha, org.exeter!),
          member(alpha, org.devon!),
          member(alpha, org.rugby!, 'associate'),
          member(gamma, org.exeter!),
          member(gamma, org.torridge!, 'member', { joined_on: '2099-01-01' }),
          member(gamma, org.warwickshire!, 'vehicle'),
        ])
        .execute();
    });
  });
  after(async () => {
    await database?.close();
  });

  it('gives the case with its holder’s and referrer’s names and the holder’s partners today', async () => {
    const opened = await cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'The bins were not collected.',
      channel: 'web',
    });
    assert.equal(opened.outcome, 'opened');
    const reference = opened.outcome === 'opened' ? opened.case.reference : '';
    const read = (orgId: number) =>
      withTenant(database.db, { readOrgs: [orgId], writeOrgs: [], accountId: null }, (tx) =>
        caseToRefer(tx, orgId, reference, '2026-06-01'),
      );
    const exeter = await read(org.exeter!);
    assert.ok(exeter);
    assert.equal(exeter.reference, reference);
    assert.equal(exeter.holderName, 'Exeter City Council');
    assert.equal(exeter.referrerName, null);
    assert.deepEqual(
      exeter.partners.map((p) => [p.orgId, p.name, p.partnership]),
      [
        [org.devon, 'Devon County Council', 'Alpha partnership'],
        [org.rugby, 'Rugby Borough Council', 'Alpha partnership'],
      ],
    );
    assert.equal(await read(org.devon!), undefined, 'Devon holds no case under the reference');

    await cases.refer(officerOf(org.exeter!), org.exeter!, reference, {
      toOrgId: org.devon!,
      reason: 'Devon deals with this.',
      expectedVersion: 1,
    });
    const devon = await read(org.devon!);
    assert.equal(devon?.holderName, 'Devon County Council');
    assert.equal(devon?.referrerName, 'Exeter City Council');
    assert.deepEqual(
      devon?.partners.map((p) => p.name),
      ['Exeter City Council', 'Rugby Borough Council'],
    );
  });

  it('reads the desk’s referral targets in one statement inside the case’s transaction', async () => {
    const opened = await cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Missed again.',
      channel: 'web',
    });
    const reference = opened.outcome === 'opened' ? opened.case.reference : '';
    const { result, statements } = await watcher.during(() =>
      cases.referralTargets(officerOf(org.exeter!), org.exeter!, reference),
    );
    assert.deepEqual(
      result.map((t) => [t.name, t.why]),
      [
        ['Devon County Council', 'Partner in Alpha partnership'],
        ['Rugby Borough Council', 'Partner in Alpha partnership'],
      ],
    );
    const transactions = insideTenantTransactions(statements);
    assert.equal(transactions.length, 1, statements.join('\n'));
    assert.equal(transactions[0]!.length, 1, transactions[0]!.join('\n---\n'));
    assert.match(transactions[0]![0]!, /partnership_member/);
  });
});
