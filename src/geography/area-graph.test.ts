import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AreaGraph } from './area-graph.ts';
import type { AreaRecord } from './geography.repository.ts';

const area = (code: string, name: string, kind: AreaRecord['kind'], parentCode: string | null = null) => ({
  code,
  name,
  kind,
  parentCode,
});

// Devon, two of its districts, Devon's Exeter cluster (a membership, not a parent), and a unitary.
const graph = AreaGraph.build(
  [
    area('E12000009', 'South West', 'region'),
    area('E10000008', 'Devon', 'county', 'E12000009'),
    area('E07000041', 'Exeter', 'district', 'E10000008'),
    area('E07000045', 'Teignbridge', 'district', 'E10000008'),
    area('devon-cluster-exeter', 'Exeter cluster', 'cluster'),
    area('E06000027', 'Torbay', 'unitary', 'E12000009'),
  ],
  [
    { areaCode: 'devon-cluster-exeter', memberCode: 'E07000041' },
    { areaCode: 'devon-cluster-exeter', memberCode: 'E07000045' },
    // A membership naming an area we do not hold is ignored.
    { areaCode: 'nowhere', memberCode: 'E07000041' },
  ],
);
const codes = (areas: AreaRecord[]) => areas.map((a) => a.code);

describe('AreaGraph', () => {
  it('gives an area, its parents however far up, and the clusters it is in', () => {
    assert.deepEqual(codes(graph.covering(['E07000041'])), [
      'E07000041',
      'E10000008',
      'devon-cluster-exeter',
      'E12000009',
    ]);
  });

  it('lists each area once when two codes share what contains them', () => {
    const covering = codes(graph.covering(['E07000041', 'E07000045', 'E07000041']));
    assert.deepEqual(covering, ['E07000041', 'E07000045', 'E10000008', 'devon-cluster-exeter', 'E12000009']);
  });

  it('gives a unitary its region only, and leaves out codes it does not hold', () => {
    assert.deepEqual(codes(graph.covering(['E06000027', 'E99999999'])), ['E06000027', 'E12000009']);
    assert.deepEqual(graph.covering([]), []);
    assert.equal(graph.size, 6);
  });

  it('stops at a loop instead of going round it', () => {
    const looped = AreaGraph.build(
      [area('A', 'A', 'cluster'), area('B', 'B', 'cluster')],
      [
        { areaCode: 'A', memberCode: 'B' },
        { areaCode: 'B', memberCode: 'A' },
      ],
    );
    assert.deepEqual(codes(looped.covering(['A'])), ['A', 'B']);
  });
});
