import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAttributes } from './open311.catalogue.ts';

describe('an Open311 client’s answers to attributes', () => {
  it('keeps attributes the definition does not list, and describes the ones it asks', () => {
    const read = readAttributes(524, {
      container: 'garden',
      fixmystreet_id: '4123456',
      uprn: ' 100040212345 ',
      photos: ['one.jpeg', 'two.jpeg'],
      blank: '  ',
    });
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.lines, ['Which collection was missed? Garden waste']);
    assert.deepEqual(read.kept, {
      container: 'garden',
      fixmystreet_id: '4123456',
      uprn: '100040212345',
      photos: 'one.jpeg, two.jpeg',
    });
    assert.deepEqual(readAttributes(564, { easting: '292250' }).kept, { easting: '292250' });
  });

  it('refuses only what the specification makes wrong', () => {
    assert.deepEqual(readAttributes(524, { uprn: '1' }).problems, [
      'attribute[container] is required: Which collection was missed?',
    ]);
    assert.match(readAttributes(524, { container: 'skip' }).problems[0]!, /must be one of refuse, recycling/);
    assert.match(readAttributes(587, { size: ['car_boot', 'small_van'] }).problems[0]!, /must be one of/);
    assert.deepEqual(readAttributes(587, {}).problems, []);
  });
});
