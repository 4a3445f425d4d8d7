import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { councilsToAsk, mayAdoptInPart } from './change-kinds.ts';

const context = { currentCouncils: [3, 1, 2], sharing: (poolId: number) => (poolId === 9 ? [2, 1] : []) };

test('an arrangement asks only the council whose register changes', () => {
  assert.deepEqual(councilsToAsk({ kind: 'arrangement', orgId: 2 }, context), [2]);
});

test('a rule asks every council sharing the pool, and no other', () => {
  assert.deepEqual(councilsToAsk({ kind: 'allocation_rule', poolId: 9 }, context), [1, 2]);
  assert.deepEqual(councilsToAsk({ kind: 'allocation_rule', poolId: 8 }, context), []);
});

test('joining asks the joining council and every current council; leaving the same', () => {
  assert.deepEqual(councilsToAsk({ kind: 'join', orgId: 7 }, context), [1, 2, 3, 7]);
  assert.deepEqual(councilsToAsk({ kind: 'leave', orgId: 3 }, context), [1, 2, 3]);
});

test('for any partnership, a joining council and every current one are asked, each once', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 12 }),
      fc.integer({ min: 1, max: 60 }),
      (members, joiner) => {
        const asked = councilsToAsk(
          { kind: 'join', orgId: joiner },
          { currentCouncils: members, sharing: () => [] },
        );
        assert.deepEqual(
          asked,
          [...new Set([...members, joiner])].sort((a, b) => a - b),
        );
      },
    ),
  );
});

test('only a proposal of arrangements alone may be adopted in part', () => {
  assert.equal(mayAdoptInPart(['arrangement', 'arrangement']), true);
  assert.equal(mayAdoptInPart(['arrangement', 'allocation_rule']), false);
  assert.equal(mayAdoptInPart(['leave']), false);
});
