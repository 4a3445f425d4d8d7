import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DESK_INTAKE_FIELDS, parseDeskIntake } from './desk-intake.form.ts';

const filled = {
  service: '524',
  postcode: 'EX1 1AE',
  description: 'Bin not collected on Tuesday',
  channel: 'phone',
  resolved: 'no',
  token: 'abcdefghijklmnopqrstuvwx',
};

describe('reading the desk’s “take a request” form', () => {
  it('gives an IntakeInput for a complete form, at the one front door the person answers for', () => {
    const form = parseDeskIntake(filled, [7]);
    assert.deepEqual(form.errors, {});
    assert.deepEqual(form.input, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Bin not collected on Tuesday',
      channel: 'phone',
      frontDoorOrgId: 7,
    });
  });

  it('names every missing answer in the desk’s words, in the order of the form, and opens nothing', () => {
    const form = parseDeskIntake({}, [7]);
    assert.equal(form.input, undefined);
    assert.deepEqual(Object.keys(form.errors), ['service', 'postcode', 'description', 'channel', 'resolved']);
    assert.equal(form.errors.description, 'Enter what the person is asking for or reporting');
    assert.equal(form.errors.channel, 'Select how the person got in touch');
    const order = Object.keys(form.errors).map((f) => DESK_INTAKE_FIELDS.indexOf(f as never));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('refuses the residents’ own channels and a face-to-face contact without its access point', () => {
    assert.equal(
      parseDeskIntake({ ...filled, channel: 'web' }, [7]).errors.channel,
      'Select how the person got in touch',
    );
    assert.equal(
      parseDeskIntake({ ...filled, channel: 'face_to_face' }, [7]).errors.accessPoint,
      'Enter the one-stop shop or access point where you met the person',
    );
    const met = parseDeskIntake({ ...filled, channel: 'face_to_face', accessPoint: 'Civic Centre' }, [7]);
    assert.equal(met.input?.accessPoint, 'Civic Centre');
  });

  it('asks whose front door took the contact when the person answers for several, and takes only one of theirs', () => {
    assert.equal(
      parseDeskIntake(filled, [7, 8]).errors.frontDoor,
      'Select whose front door took the contact',
    );
    assert.equal(parseDeskIntake({ ...filled, frontDoor: '9' }, [7, 8]).errors.frontDoor !== undefined, true);
    assert.equal(parseDeskIntake({ ...filled, frontDoor: '8' }, [7, 8]).input?.frontDoorOrgId, 8);
  });

  it('needs what was done when it was resolved while the person was in touch', () => {
    assert.ok(parseDeskIntake({ ...filled, resolved: 'yes' }, [7]).errors.resolution);
    const done = parseDeskIntake({ ...filled, resolved: 'yes', resolution: 'Booked a collection' }, [7]);
    assert.equal(done.input?.resolvedAtFirstContact, true);
    assert.equal(done.input?.resolution, 'Booked a collection');
  });

  it('keeps what was typed as it was, even when it is refused', () => {
    const long = 'x'.repeat(5000);
    const form = parseDeskIntake({ ...filled, description: long, reporterName: '  Ann  ' }, [7]);
    assert.equal(form.values.description, long);
    assert.equal(form.values.reporterName, '  Ann  ');
    assert.match(form.errors.description!, /4,000 characters or fewer/);
  });
});
