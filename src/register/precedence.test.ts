import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AreaKind } from '../db/schema.ts';
import { specificity } from '../geography/area-kinds.ts';
import { applying, byPrecedence, type RuleInForce } from './precedence.ts';

const KINDS: AreaKind[] = [
  'ward',
  'parish',
  'market_town',
  'locality',
  'district',
  'unitary',
  'cluster',
  'county',
  'region',
];
const rule = fc.record({
  kind: fc.constantFrom(...KINDS),
  validFrom: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  recorded: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('which rule in force applies at a place', () => {
  it('takes a market town’s own rule over its district’s, even when the district’s is newer', () => {
    const town: RuleInForce = { kind: 'market_town', validFrom: '2010-04-01', recorded: 1 };
    const district: RuleInForce = { kind: 'district', validFrom: '2024-04-01', recorded: 9 };
    const county: RuleInForce = { kind: 'county', validFrom: '2025-04-01', recorded: 10 };
    assert.equal(
      applying([county, district, town], (r) => r),
      town,
    );
    assert.equal(
      applying([county, district], (r) => r),
      district,
    );
  });

  it('takes the later start among rules for equally specific areas, then the later recording', () => {
    const older: RuleInForce = { kind: 'locality', validFrom: '2010-04-01', recorded: 5 };
    const newer: RuleInForce = { kind: 'locality', validFrom: '2012-04-01', recorded: 2 };
    const recordedLater: RuleInForce = { kind: 'locality', validFrom: '2012-04-01', recorded: 3 };
    assert.equal(
      applying([older, newer], (r) => r),
      newer,
    );
    assert.equal(
      applying([newer, recordedLater, older], (r) => r),
      recordedLater,
    );
  });

  it('has no rule to apply when none is in force', () => {
    assert.equal(
      applying([], (r: RuleInForce) => r),
      undefined,
    );
  });

  it('for any rules: the one applied is for the most specific area, then the latest start, then the latest recording', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 12 }), (rules) => {
        const chosen = applying(rules, (r) => r)!;
        const best = Math.min(...rules.map((r) => specificity(r.kind)));
        assert.equal(specificity(chosen.kind), best);
        const sameArea = rules.filter((r) => specificity(r.kind) === best);
        const latest = sameArea
          .map((r) => r.validFrom)
          .sort()
          .at(-1)!;
        assert.equal(chosen.validFrom, latest);
        const lastRecorded = Math.max(
          ...sameArea.filter((r) => r.validFrom === latest).map((r) => r.recorded),
        );
        assert.equal(chosen.recorded, lastRecorded);
      }),
    );
  });

  it('for any rules: the answer does not depend on the order they are read in', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 12 }), fc.integer(), (rules, seed) => {
        const shuffled = [...rules].sort(
          (a, b) => ((a.recorded * 31 + seed) % 7) - ((b.recorded * 31 + seed) % 7),
        );
        assert.equal(
          byPrecedence(
            applying(rules, (r) => r)!,
            applying(shuffled, (r) => r)!,
          ),
          0,
        );
      }),
    );
  });
});
