import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAccountInput, isValidEmail, normaliseEmail } from './account-input.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.ts';

describe('checkAccountInput', () => {
  it('reports every problem of an account at once, each naming what to fix', () => {
    const { problems, grants } = checkAccountInput({
      email: 'not an address',
      displayName: '  ',
      password: 'short',
      grants: [
        { orgId: 0, role: 'officer', partnershipId: null, lgslCodes: null },
        { orgId: 3, role: 'partnership_admin', partnershipId: null, lgslCodes: null },
      ],
    });
    assert.deepEqual(problems, [
      '"not an address" is not a valid email address.',
      'Enter a name for the account.',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
      'Grant 1: name the organisation.',
      'Grant 2: a partnership administrator needs a partnership.',
    ]);
    assert.deepEqual(grants, []);
  });

  it('tidies a good grant: service codes once each, in order', () => {
    const { problems, grants } = checkAccountInput({
      email: ' Officer@Exeter.gov.uk ',
      displayName: 'A. Officer',
      grants: [{ orgId: 5, role: 'officer', partnershipId: null, lgslCodes: [524, 160, 524] }],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(grants, [{ orgId: 5, role: 'officer', partnershipId: null, lgslCodes: [160, 524] }]);
  });

  it('refuses a partnership on any role but the administrator, and services on the administrator', () => {
    const { problems } = checkAccountInput({
      email: 'a@b.gov.uk',
      displayName: 'A',
      password: 'x'.repeat(MAX_PASSWORD_LENGTH + 1),
      grants: [
        { orgId: 1, role: 'agent', partnershipId: 2, lgslCodes: null },
        { orgId: 1, role: 'partnership_admin', partnershipId: 2, lgslCodes: [524] },
        { orgId: 1, role: 'mayor' as never, partnershipId: null, lgslCodes: [1.5] },
      ],
    });
    assert.deepEqual(problems, [
      `The password must be ${MAX_PASSWORD_LENGTH} characters or fewer.`,
      "Grant 1: only a partnership administrator's or finance lead's role names a partnership.",
      "Grant 2: a partnership administrator's role covers every service; do not list services.",
      'Grant 3: the role must be one of partnership_admin, officer, councillor, agent, finance_officer, finance_lead, clerk, not "mayor".',
      'Grant 3: services must be LGSL codes (whole numbers).',
    ]);
  });

  it('compares email addresses trimmed and lower-cased, and knows an address from other text', () => {
    assert.equal(normaliseEmail('  A@B.Gov.UK '), 'a@b.gov.uk');
    assert.ok(isValidEmail('a@b.gov.uk'));
    for (const text of ['a@b', 'a b@c.uk', '@c.uk', `${'a'.repeat(250)}@b.uk`])
      assert.ok(!isValidEmail(text), text);
  });
});
