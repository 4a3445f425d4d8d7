import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemError } from '../../platform/errors.ts';
import type { ResponsibleAnswer } from '../../register/responsible.service.ts';
import { checkIntake, isNotCovered, isWebAddress, notCovered, type IntakeInput } from './intake.rules.ts';

const contact: IntakeInput = {
  lgslCode: 524,
  postcode: 'EX1 1AE',
  description: 'Bin missed',
  channel: 'web',
};

describe('what a contact must be, for every caller', () => {
  it('finds nothing wrong with a contact that has what it needs', () => {
    assert.deepEqual(checkIntake(contact), {});
    assert.deepEqual(
      checkIntake({ ...contact, reporterEmail: 'ann@example.org', reporterPhone: '+44 808 157 0192' }),
      {},
    );
  });

  it('asks for a description, and refuses one over 4,000 characters without cutting it', () => {
    assert.equal(
      checkIntake({ ...contact, description: '   ' }).description,
      'Enter what you want to report or request',
    );
    assert.equal(checkIntake({ ...contact, description: 'x'.repeat(4000) }).description, undefined);
    assert.equal(
      checkIntake({ ...contact, description: 'x'.repeat(4001) }).description,
      'Description must be 4,000 characters or fewer',
    );
  });

  it('names each field over its limit, and a malformed email or telephone number', () => {
    const problems = checkIntake({
      ...contact,
      address: 'a'.repeat(501),
      reporterName: 'n'.repeat(201),
      accessPoint: 'p'.repeat(201),
      reporterEmail: 'not an address',
      reporterPhone: 'call me',
    });
    assert.deepEqual(Object.keys(problems).sort(), [
      'accessPoint',
      'address',
      'reporterEmail',
      'reporterName',
      'reporterPhone',
    ]);
    assert.equal(problems.address, 'Street or place must be 500 characters or fewer');
  });

  it('refuses a channel it does not know, even one named like a property of every object', () => {
    assert.ok(checkIntake({ ...contact, channel: 'fax' as IntakeInput['channel'] }).channel);
    assert.ok(checkIntake({ ...contact, channel: 'constructor' as IntakeInput['channel'] }).channel);
  });

  it('needs what was done when a contact was resolved there and then', () => {
    assert.equal(
      checkIntake({ ...contact, resolvedAtFirstContact: true }).resolution,
      'Say what was done to resolve it',
    );
    assert.deepEqual(checkIntake({ ...contact, resolvedAtFirstContact: true, resolution: 'Booked' }), {});
  });

  it('keeps at most 50 attributes, of codes up to 100 and values up to 1,000 characters', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, 'v']));
    assert.equal(checkIntake({ ...contact, attributes: many }).attributes, 'Send at most 50 attributes');
    assert.match(
      checkIntake({ ...contact, attributes: { uprn: 'x'.repeat(1001) } }).attributes!,
      /^attribute\[uprn\]: codes must be 100 characters or fewer and values 1,000 or fewer$/,
    );
    assert.deepEqual(checkIntake({ ...contact, attributes: { uprn: '100040212345' } }), {});
  });

  it('takes only an http or https address for media, of 2,000 characters or fewer', () => {
    assert.deepEqual(checkIntake({ ...contact, mediaUrl: 'https://example.org/photo.jpg' }), {});
    assert.ok(checkIntake({ ...contact, mediaUrl: 'javascript:alert(1)' }).mediaUrl);
    assert.equal(isWebAddress('http://example.org/', 100), true);
    assert.equal(isWebAddress('ftp://example.org/', 100), false);
    assert.equal(isWebAddress(`https://example.org/${'p'.repeat(100)}`, 100), false);
    assert.equal(isWebAddress('not a url', 100), false);
  });
});

describe('the refusal of a contact for a council the service does not cover', () => {
  it('is a 422 naming who is responsible and where to go, and is known again as such', () => {
    const answer = {
      reason: 'Manchester City Council is responsible.',
      responsible: { orgId: 9, name: 'Manchester City Council' },
      coverage: {
        covered: false,
        text: 'Manchester City Council is not in a partnership here.',
        homepageUrl: 'https://www.manchester.gov.uk',
      },
    } as unknown as ResponsibleAnswer;
    const refusal = notCovered(answer);
    assert.equal(refusal.status, 422);
    assert.equal(refusal.detail, 'Manchester City Council is not in a partnership here.');
    assert.equal(refusal.extensions.homepageUrl, 'https://www.manchester.gov.uk');
    assert.equal(isNotCovered(refusal), true);
    assert.equal(isNotCovered(new ProblemError(422, 'Unprocessable', 'Another refusal')), false);
    assert.equal(isNotCovered(new Error('not a problem')), false);
  });
});
