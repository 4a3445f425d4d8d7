import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal, RoleGrant } from '../../platform/auth/principal.ts';
import {
  RESIDENT,
  caseActorFor,
  caseScope,
  mayHandleCase,
  mayNoteCase,
  mayReadCase,
  mayReferCase,
  readingOrgs,
  staffCaseActor,
  type CaseKey,
} from './case-actor.ts';
import { ProblemError } from '../../platform/errors.ts';

const EXETER = 1;
const DEVON = 2;
const TEIGNBRIDGE = 3;
const STRATA = 4; // a shared-service company that provides for the districts
const PARTNERSHIP = 10;
const WASTE = 524;
const GARDEN = 530;
const FLY_TIPPING = 587;

const principal = (...grants: Array<Partial<RoleGrant> & Pick<RoleGrant, 'orgId' | 'role'>>): Principal => ({
  accountId: 7,
  email: 'someone@example.org',
  displayName: 'Someone',
  grants: grants.map((g) => ({ partnershipId: null, lgslCodes: null, ...g })),
});
const members = async (id: number) => (id === PARTNERSHIP ? [EXETER, DEVON, TEIGNBRIDGE] : []);
const actorOf = (...grants: Parameters<typeof principal>) => caseActorFor(principal(...grants), members);

const exeterCase = (lgslCode: number, extra: Partial<CaseKey> = {}): CaseKey => ({
  orgId: EXETER,
  providerOrgId: EXETER,
  lgslCode,
  ...extra,
});

describe('who may read and work on a case', () => {
  it('keeps an officer granted only waste services to waste cases, for reading as for every change', async () => {
    const waste = await actorOf({ orgId: EXETER, role: 'officer', lgslCodes: [WASTE, GARDEN] });
    const flyTipping = exeterCase(FLY_TIPPING);
    assert.equal(mayReadCase(waste, flyTipping), false);
    assert.equal(mayNoteCase(waste, flyTipping), false);
    assert.equal(mayReferCase(waste, flyTipping), false);
    assert.equal(mayHandleCase(waste, flyTipping), false);
    const bins = exeterCase(WASTE);
    assert.equal(mayReadCase(waste, bins), true);
    assert.equal(mayNoteCase(waste, bins), true);
    assert.equal(mayReferCase(waste, bins), true);
    assert.equal(mayHandleCase(waste, bins), true);
    assert.deepEqual(caseScope(waste), [{ orgId: EXETER, lgslCodes: [WASTE, GARDEN] }]);
  });

  it('lets an officer without a service list read and work on every case of the council', async () => {
    const officer = await actorOf({ orgId: EXETER, role: 'officer' });
    for (const code of [WASTE, FLY_TIPPING]) {
      const c = exeterCase(code);
      assert.ok(mayReadCase(officer, c) && mayNoteCase(officer, c) && mayHandleCase(officer, c));
    }
    assert.deepEqual(caseScope(officer), [{ orgId: EXETER, lgslCodes: null }]);
    // Another council's case is out of reach whatever the service.
    const devon = { orgId: DEVON, providerOrgId: DEVON, lgslCode: WASTE };
    assert.equal(mayReadCase(officer, devon), false);
    assert.equal(mayNoteCase(officer, devon), false);
  });

  it('widens to every service when another grant at the same council names none', async () => {
    const both = await actorOf(
      { orgId: EXETER, role: 'officer', lgslCodes: [WASTE] },
      { orgId: EXETER, role: 'agent' },
    );
    const flyTipping = exeterCase(FLY_TIPPING);
    assert.equal(mayReadCase(both, flyTipping), true);
    assert.equal(mayNoteCase(both, flyTipping), true);
    // Status changes stay with the officer's own services.
    assert.equal(mayHandleCase(both, flyTipping), false);
    assert.equal(mayHandleCase(both, exeterCase(WASTE)), true);
  });

  it('reaches a case through its provider’s team, and through the front door only for reading', async () => {
    const provider = await actorOf({ orgId: STRATA, role: 'officer', lgslCodes: [WASTE] });
    const handled = exeterCase(WASTE, { providerOrgId: STRATA });
    assert.ok(mayReadCase(provider, handled) && mayHandleCase(provider, handled));
    assert.equal(mayReadCase(provider, { ...handled, lgslCode: FLY_TIPPING }), false);

    const frontDoor = await actorOf({ orgId: TEIGNBRIDGE, role: 'agent' });
    const taken = { orgId: DEVON, providerOrgId: DEVON, lgslCode: 160, contactOrgId: TEIGNBRIDGE };
    assert.equal(mayReadCase(frontDoor, taken), true);
    assert.deepEqual(readingOrgs(frontDoor, taken), [TEIGNBRIDGE]);
    assert.equal(mayNoteCase(frontDoor, taken), false);
    assert.equal(mayReferCase(frontDoor, taken), false);
    const limitedDoor = await actorOf({ orgId: TEIGNBRIDGE, role: 'agent', lgslCodes: [WASTE] });
    assert.equal(mayReadCase(limitedDoor, taken), false);
  });

  it('gives a contact-centre agent notes and referrals but no status changes', async () => {
    const agent = await actorOf({ orgId: EXETER, role: 'agent' });
    const c = exeterCase(FLY_TIPPING);
    assert.ok(mayReadCase(agent, c) && mayNoteCase(agent, c) && mayReferCase(agent, c));
    assert.equal(mayHandleCase(agent, c), false);
  });

  it('gives a partnership administrator every member’s cases, and a councillor none', async () => {
    const admin = await actorOf({ orgId: DEVON, role: 'partnership_admin', partnershipId: PARTNERSHIP });
    for (const orgId of [EXETER, DEVON, TEIGNBRIDGE]) {
      const c = { orgId, providerOrgId: orgId, lgslCode: FLY_TIPPING };
      assert.ok(mayReadCase(admin, c) && mayHandleCase(admin, c) && mayReferCase(admin, c));
    }
    const councillor = await actorOf({ orgId: EXETER, role: 'councillor' });
    assert.equal(mayReadCase(councillor, exeterCase(WASTE)), false);
    assert.deepEqual(caseScope(councillor), []);
    await assert.rejects(
      staffCaseActor(principal({ orgId: EXETER, role: 'councillor' }), members),
      (e: unknown) => e instanceof ProblemError && e.status === 403,
    );
    await assert.rejects(
      staffCaseActor(undefined, members),
      (e: unknown) => e instanceof ProblemError && e.status === 401,
    );
  });

  it('gives a resident (nobody signed in) no case to read or change', () => {
    const c = exeterCase(WASTE);
    assert.ok(!mayReadCase(RESIDENT, c) && !mayNoteCase(RESIDENT, c) && !mayHandleCase(RESIDENT, c));
    assert.deepEqual(caseScope(RESIDENT), []);
  });

  it('keeps a list to the organisations asked for', async () => {
    const admin = await actorOf({ orgId: DEVON, role: 'partnership_admin', partnershipId: PARTNERSHIP });
    assert.deepEqual(caseScope(admin, [TEIGNBRIDGE, 99]), [{ orgId: TEIGNBRIDGE, lgslCodes: null }]);
  });
});
