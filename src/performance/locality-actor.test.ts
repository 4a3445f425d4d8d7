import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  LOCALITY_OPERATOR,
  LOCALITY_PUBLIC,
  commitmentKeeper,
  mayKeepPlan,
  mayRecordAgreement,
  type LocalityActor,
} from './locality-actor.ts';

const DISTRICT = 10;
const COUNTY = 1;
const OTHER = 11;
const PARTNERSHIP = 5;
const plan = { orgId: DISTRICT, partnershipId: PARTNERSHIP };
const as = (orgId: number, role: string, partnershipId: number | null = null): LocalityActor => ({
  accountId: 1,
  grants: [{ orgId, role, partnershipId }],
});

describe('who may do what with a locality plan', () => {
  it('lets the district’s officers and the partnership’s administrator set a plan out, and nobody else', () => {
    assert.equal(mayKeepPlan(as(DISTRICT, 'officer'), plan), true);
    assert.equal(mayKeepPlan(as(COUNTY, 'partnership_admin', PARTNERSHIP), plan), true);
    assert.equal(mayKeepPlan(LOCALITY_OPERATOR, plan), true);
    for (const who of [
      as(COUNTY, 'officer'),
      as(OTHER, 'officer'),
      as(COUNTY, 'partnership_admin', PARTNERSHIP + 1),
      as(DISTRICT, 'councillor'),
      as(DISTRICT, 'clerk'),
      LOCALITY_PUBLIC,
    ])
      assert.equal(mayKeepPlan(who, plan), false);
  });

  it('lets the council that made a commitment, or the district, keep its state', () => {
    const countys = { planOrgId: DISTRICT, committedOrgId: COUNTY };
    const districts = { planOrgId: DISTRICT, committedOrgId: DISTRICT };
    assert.equal(commitmentKeeper(as(COUNTY, 'officer'), countys), COUNTY);
    assert.equal(commitmentKeeper(as(COUNTY, 'officer'), districts), null);
    assert.equal(commitmentKeeper(as(DISTRICT, 'officer'), countys), DISTRICT);
    assert.equal(commitmentKeeper(as(DISTRICT, 'officer'), districts), DISTRICT);
    assert.equal(commitmentKeeper(as(OTHER, 'officer'), countys), null);
    assert.equal(commitmentKeeper(LOCALITY_PUBLIC, countys), null);
  });

  it('lets only the district’s clerk record agreement', () => {
    assert.equal(mayRecordAgreement(as(DISTRICT, 'clerk'), DISTRICT), true);
    assert.equal(mayRecordAgreement(as(OTHER, 'clerk'), DISTRICT), false);
    assert.equal(mayRecordAgreement(as(DISTRICT, 'officer'), DISTRICT), false);
  });

  it('gives nobody without a grant at either council any commitment to keep', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            orgId: fc.integer({ min: 20, max: 40 }),
            role: fc.constantFrom('officer', 'partnership_admin', 'clerk', 'councillor'),
            partnershipId: fc.option(fc.integer({ min: 1, max: 9 })),
          }),
        ),
        (grants) =>
          commitmentKeeper({ accountId: 1, grants }, { planOrgId: DISTRICT, committedOrgId: COUNTY }) ===
          null,
      ),
    );
  });
});
