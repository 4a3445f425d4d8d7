import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNELS, MEASURES, measureById } from './measures.ts';

describe('the catalogue of measures', () => {
  it('has unique ids and a full definition for every measure', () => {
    assert.equal(new Set(MEASURES.map((m) => m.id)).size, MEASURES.length);
    for (const m of MEASURES) {
      assert.match(m.id, /^[a-z0-9_]+$/, m.id);
      assert.ok(m.name && m.definition.length > 40 && m.numerator, m.id);
      assert.equal(
        m.denominator === null,
        m.unit === 'count' || m.unit === 'working_days',
        `${m.id}: only counts and days divide by nothing`,
      );
    }
  });

  it('has the measures the reports need, with the better way stated', () => {
    const polarity = (id: string) => measureById(id)?.polarity;
    assert.equal(polarity('first_contact_resolution'), 'higher_is_better');
    assert.equal(polarity('closed_within_service_level'), 'higher_is_better');
    assert.equal(polarity('median_working_days_to_close'), 'lower_is_better');
    assert.equal(polarity('p90_working_days_to_close'), 'lower_is_better');
    assert.equal(polarity('repeat_requests'), 'lower_is_better');
    assert.equal(polarity('cost_per_case'), 'lower_is_better');
    assert.equal(polarity('requests_received'), null, 'a volume is neither better nor worse');
    assert.equal(polarity('referrals_out'), null);
    for (const c of CHANNELS) assert.equal(measureById(`requests_received_${c}`)?.channel, c);
  });

  it('states the repeat rule exactly', () => {
    assert.match(
      measureById('repeat_requests')!.definition,
      /same service at the same place in the 30 days before it/,
    );
    assert.match(measureById('repeat_requests')!.definition, /within 50 metres/);
  });

  it('finds no measure by a name that is not one', () => {
    assert.equal(measureById('constructor'), undefined);
    assert.equal(measureById('toString'), undefined);
  });
});
