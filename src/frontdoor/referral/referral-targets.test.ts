import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referralTargets, refusedReferral, type ReferralFacts } from './referral-targets.ts';

const EXETER = { orgId: 1, name: 'Exeter City Council' };
const DEVON = { orgId: 2, name: 'Devon County Council' };
const TEIGNBRIDGE = { orgId: 3, name: 'Teignbridge District Council' };
const STRATA = { orgId: 4, name: 'Strata Service Solutions' };
const RUGBY = { orgId: 5, name: 'Rugby Borough Council' };

const facts = (over: Partial<ReferralFacts> = {}): ReferralFacts => ({
  holderOrgId: EXETER.orgId,
  partners: [],
  register: null,
  referredFrom: null,
  ...over,
});

describe('who a case may be referred to', () => {
  it('offers the holder’s partners, each once, by name, never the holder itself', () => {
    const targets = referralTargets(
      facts({
        partners: [
          { ...TEIGNBRIDGE, partnership: 'Integrated Devon' },
          { ...DEVON, partnership: 'Integrated Devon' },
          { ...DEVON, partnership: 'Another partnership' },
          { ...EXETER, partnership: 'Integrated Devon' },
        ],
      }),
    );
    assert.deepEqual(targets, [
      { ...DEVON, why: 'Partner in Integrated Devon' },
      { ...TEIGNBRIDGE, why: 'Partner in Integrated Devon' },
    ]);
  });

  it('offers whoever the register names for the service at the place: responsible councils and the provider', () => {
    const targets = referralTargets(
      facts({
        register: { responsible: [DEVON], provider: STRATA, serviceLabel: 'Highways' },
      }),
    );
    assert.deepEqual(
      targets.map((t) => [t.name, t.why]),
      [
        ['Devon County Council', 'Responsible for Highways at this place'],
        ['Strata Service Solutions', 'Delivers Highways here for the council responsible'],
      ],
    );
    // Where the place could be more than one council's, each candidate may take it.
    const both = referralTargets(
      facts({ register: { responsible: [DEVON, TEIGNBRIDGE], provider: null, serviceLabel: 'Highways' } }),
    );
    assert.deepEqual(
      both.map((t) => t.orgId),
      [DEVON.orgId, TEIGNBRIDGE.orgId],
    );
  });

  it('lets the case go back to the organisation that referred it', () => {
    assert.deepEqual(
      referralTargets(facts({ referredFrom: DEVON })).map((t) => [t.orgId, t.why]),
      [[DEVON.orgId, 'Referred the case here']],
    );
  });

  it('offers nobody when the holder has no partners and the register names only itself', () => {
    assert.deepEqual(
      referralTargets(facts({ register: { responsible: [EXETER], provider: EXETER, serviceLabel: 'Bins' } })),
      [],
    );
  });

  it('refuses a council outside the list, the holder itself, and an organisation that does not exist', () => {
    const targets = referralTargets(facts({ partners: [{ ...DEVON, partnership: 'Integrated Devon' }] }));
    assert.equal(refusedReferral(targets, EXETER, DEVON.orgId, DEVON.name), null);
    assert.equal(
      refusedReferral(targets, EXETER, RUGBY.orgId, RUGBY.name),
      'Rugby Borough Council is not a partner of Exeter City Council and the register does not give it ' +
        'this service here: choose an organisation from the list',
    );
    assert.match(refusedReferral(targets, EXETER, EXETER.orgId, EXETER.name)!, /already theirs/);
    assert.equal(refusedReferral(targets, EXETER, 999, null), 'Choose an organisation from the list');
  });
});
