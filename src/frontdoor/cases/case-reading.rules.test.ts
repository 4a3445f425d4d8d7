import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trackingTimes, viewAuditOrgs } from './case-reading.service.ts';

const at = (iso: string) => new Date(iso);

describe('what a resident is shown of a referred case', () => {
  const exeter = { openedAt: at('2026-11-02T09:00:00Z'), dueAt: at('2026-11-09T17:00:00Z') };

  it('keeps the time it was reported, whoever has it now', () => {
    const devon = { openedAt: at('2026-11-04T10:00:00Z'), dueAt: at('2026-11-18T17:00:00Z') };
    assert.deepEqual(trackingTimes([exeter, devon], devon), {
      openedAt: '2026-11-02T09:00:00.000Z',
      dueAt: '2026-11-18T17:00:00.000Z',
    });
  });

  it('keeps the last due date given where the current holder has none', () => {
    const devon = { openedAt: at('2026-11-04T10:00:00Z'), dueAt: null };
    assert.equal(trackingTimes([exeter, devon], devon).dueAt, '2026-11-09T17:00:00.000Z');
    assert.equal(trackingTimes([devon], devon).dueAt, null);
  });
});

describe('where a view of a case is recorded', () => {
  it('under the holder, and the organisation it was read through when that is another', () => {
    assert.deepEqual(viewAuditOrgs(1, [1]), [1]);
    assert.deepEqual(viewAuditOrgs(1, [1, 2]), [1]);
    assert.deepEqual(viewAuditOrgs(1, [3]), [1, 3]);
    assert.deepEqual(viewAuditOrgs(1, []), [1]);
  });
});
