import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Council, choosePeers, councilClassOf, spendPerHead, standing } from './peers.ts';

const district = (gss: string, population: number | null): Council => ({
  gss,
  name: gss,
  councilClass: 'district',
  population,
});

describe('choosing peers by class and size', () => {
  const council = district('E07000040', 150_000);
  const others = [
    district('E07000041', 130_000),
    district('E07000042', 170_000),
    district('E07000043', 300_000),
    district('E07000044', 75_000),
    district('E07000045', null),
    { ...district('E10000008', 150_000), councilClass: 'county' as const },
  ];

  it('takes the nearest in log(population) of the same class, leaving out the council itself', () => {
    const choice = choosePeers(council, [council, ...others], 3);
    assert.ok(choice.ok);
    assert.deepEqual(
      choice.peers.map((p) => p.gss),
      ['E07000042', 'E07000041', 'E07000043'],
      'both 20,000 away, but 170k is nearer by ratio (1.133 against 1.154); 300k and 75k tie at 2.0 and the lower code wins',
    );
    assert.match(choice.method, /3 district councils in England nearest in population \(Census 2021\)/);
    assert.match(choice.method, /ties go to the lower GSS code/);
  });

  it('breaks ties by the lower GSS code, whatever the order given', () => {
    const a = choosePeers(council, [district('E07000099', 300_000), district('E07000098', 75_000)], 1);
    assert.ok(a.ok);
    assert.deepEqual(
      a.peers.map((p) => p.gss),
      ['E07000098'],
    );
  });

  it('gives fewer peers when there are fewer, and a reason when it cannot choose', () => {
    const few = choosePeers(council, others, 10);
    assert.ok(few.ok);
    assert.equal(few.peers.length, 4, 'the county and the district without a population are left out');
    const none = choosePeers(district('E07000046', null), others, 3);
    assert.ok(!none.ok);
    assert.match(none.reason, /no population/);
    assert.ok(!choosePeers(council, others, 0).ok);
  });

  it('is deterministic and never chooses the council, another class or more than asked', () => {
    const candidate = fc.record({
      gss: fc.stringMatching(/^E0[6-9]0000[0-9]{2}$/),
      name: fc.constant('x'),
      councilClass: fc.constantFrom('district' as const, 'unitary' as const),
      population: fc.option(fc.integer({ min: 1, max: 2_000_000 })),
    });
    fc.assert(
      fc.property(
        candidate,
        fc.array(candidate, { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        (c, pool, n) => {
          const choice = choosePeers(c, pool, n);
          const again = choosePeers(c, [...pool].reverse(), n);
          if (!choice.ok) return;
          assert.ok(again.ok);
          assert.deepEqual(
            choice.peers.map((p) => [p.gss, p.population]),
            again.peers.map((p) => [p.gss, p.population]),
          );
          assert.ok(choice.peers.length <= n);
          for (const p of choice.peers) {
            assert.notEqual(p.gss, c.gss);
            assert.equal(p.councilClass, c.councilClass);
          }
        },
      ),
    );
  });

  it('knows the classes of principal council and nothing else', () => {
    assert.equal(councilClassOf('london_borough'), 'london_borough');
    assert.equal(councilClassOf('parish'), null);
    assert.equal(councilClassOf('constructor'), null);
  });
});

describe('spend per head', () => {
  it('is whole pence per resident, halves away from zero', () => {
    assert.equal(spendPerHead(1_000_000n, 3), 333_333n);
    assert.equal(spendPerHead(5n, 2), 3n);
    assert.equal(spendPerHead(-5n, 2), -3n, 'net income rounds the same way');
    assert.equal(spendPerHead(2_258_871_800n, 150_800), 14_979n);
  });

  it('has no figure without a population', () => {
    assert.equal(spendPerHead(100n, null), null);
    assert.equal(spendPerHead(100n, 0), null);
    assert.equal(spendPerHead(100n, 1.5), null);
  });

  it('is within half a penny of the exact figure, for any amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (p, pop) => {
          const perHead = spendPerHead(p, pop)!;
          const off = perHead * BigInt(pop) * 2n - p * 2n;
          assert.ok(off <= BigInt(pop) && off >= -BigInt(pop));
        },
      ),
    );
  });
});

describe('standing among peers', () => {
  it('gives the peers’ median and the rank from the lowest', () => {
    assert.deepEqual(standing(150n, [100n, 200n, 300n]), { median: 200n, rankFromLowest: 2, of: 4 });
    assert.deepEqual(standing(50n, [100n, 201n, null]), { median: 151n, rankFromLowest: 1, of: 3 });
    assert.deepEqual(standing(null, [100n]), { median: 100n, rankFromLowest: null, of: 1 });
    assert.equal(standing(1n, [null]), null);
  });
});
