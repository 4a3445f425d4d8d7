import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchServices, serviceWords } from './service-search.ts';

const SERVICES = [
  { lgslCode: 527, label: 'Bin supply', description: 'Supply of new or replacement wheeled bins.' },
  { lgslCode: 587, label: 'Flytipping', description: 'Acting on reports of flytipping.' },
  {
    lgslCode: 524,
    label: 'Household waste collection',
    description: 'A regular collection of household rubbish.',
  },
  { lgslCode: 557, label: 'Road maintenance', description: 'Maintenance and repair of potholes.' },
  { lgslCode: 564, label: 'Street lighting', description: 'Street lights on public roads.' },
  { lgslCode: 1, label: 'Elective home education', description: 'Children educated at home.' },
];
const codes = (query: string) => searchServices(SERVICES, query).map((s) => s.lgslCode);

describe('searchServices', () => {
  it('finds a service by the common words people use for it', () => {
    assert.deepEqual(codes('pothole'), [557]);
    assert.deepEqual(codes('Potholes'), [557]);
    assert.deepEqual(codes('my bins'), [524, 527]);
    assert.deepEqual(codes('fly-tipping'), [587]);
    assert.deepEqual(codes('fly tipping'), [587]);
    assert.deepEqual(codes('street light'), [564]);
  });

  it('finds by the start of words in the name, name matches first, and by LGSL number', () => {
    assert.deepEqual(codes('household'), [524]);
    assert.deepEqual(codes('collect'), [524]);
    assert.deepEqual(codes('home educ'), [1]);
    assert.deepEqual(codes('524'), [524]);
    assert.deepEqual(codes('99999'), []);
  });

  it('falls back to the description, after every match in a name', () => {
    assert.deepEqual(codes('repair'), [557]);
    assert.deepEqual(codes('wheeled'), [527]);
  });

  it('finds nothing for nothing, or for words that say nothing', () => {
    assert.deepEqual(codes(''), []);
    assert.deepEqual(codes('  the  '), []);
    assert.deepEqual(codes('zzz'), []);
  });

  it('lists the common words for the browser', () => {
    assert.match(serviceWords(557), /potholes/);
    assert.equal(serviceWords(1), '');
  });
});
