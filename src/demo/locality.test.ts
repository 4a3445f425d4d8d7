/**
 * The demo's locality plans over the loaded demo: one for each of Transforming Lancashire's twelve
 * districts, every objective traceable to seed 003 (each quotation in its source is the seed's own
 * words), every commitment illustrative, owned by an office, naming only the catalogue's measures,
 * and each district with the body that agrees its plan.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { openDemoApp } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { LOCALITY_PUBLIC, MEASURES } from '../performance/index.ts';
import { DEMO_PLAN_YEAR, LANCASHIRE_OBJECTIVES, LOCALITY_BODY } from './locality.ts';

const SEED = readFileSync(new URL('../../../shared/seeds/003_ff7d1b8a28a9943e.txt', import.meta.url), 'utf8');
const words = (text: string) => text.replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();

/** Every quotation ("…") in a source. */
const quotations = (source: string) => [...source.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);

describe('the demo locality plans', () => {
  let services: AppServices;
  let close: () => Promise<void>;
  before(async () => ({ services, close } = await openDemoApp()));
  after(() => close?.());

  it('gives each of the twelve Lancashire districts a plan, traceable to the seed', async () => {
    const view = await services.localities.localities(LOCALITY_PUBLIC, 'transforming-lancashire');
    assert.equal(view.districts.length, 12);
    const seed = words(SEED);
    for (const district of view.districts) {
      assert.equal(district.plan?.year, DEMO_PLAN_YEAR, district.name);
      const plan = await services.localities.plan(LOCALITY_PUBLIC, district.key, { year: DEMO_PLAN_YEAR });
      assert.equal(plan.illustrative, true);
      assert.equal(plan.agreement, null, 'the seed gives no date or minute of agreement');
      for (const quoted of quotations(plan.source)) assert.ok(seed.includes(words(quoted)), quoted);
      assert.deepEqual(
        plan.objectives.map((o) => o.title),
        LANCASHIRE_OBJECTIVES.map((o) => o.title),
      );
      for (const objective of plan.objectives) {
        const quoted = quotations(objective.source);
        assert.ok(quoted.length > 0, `${objective.title} quotes the seed`);
        for (const q of quoted) assert.ok(seed.includes(words(q)), `${district.name}: ${q}`);
        const tiers = new Set(objective.commitments.map((c) => c.tier));
        assert.ok(tiers.has('county') && tiers.has('district'), 'both tiers commit under every objective');
        for (const c of objective.commitments) {
          assert.equal(c.illustrative, true);
          assert.equal(c.state, 'not_started');
          assert.match(c.owner, /^(Chief Executive, .+|Legal Services Commission)$/);
          for (const m of c.measures) assert.ok(MEASURES.some((known) => known.id === m.id));
        }
      }
      const bodies = await services.governance.bodies([district.orgId]);
      assert.ok(
        bodies.some((b) => b.name === LOCALITY_BODY && b.kind === 'committee'),
        district.name,
      );
    }
    // The body's name is the seed's own.
    assert.ok(seed.toLowerCase().includes(LOCALITY_BODY.toLowerCase()));
  });
});
