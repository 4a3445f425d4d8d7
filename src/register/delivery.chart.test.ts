import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveredTogether, deliveryChart, deliveryCounts, deliverySummary } from './delivery.chart.ts';
import type { Matrix } from './register.service.ts';
import type { Arrangement, DeliveryMode, PartnershipMember } from './register.types.ts';

const member = (orgId: number, shortName: string): PartnershipMember => ({
  orgId,
  name: `${shortName} Council`,
  shortName,
  kind: 'district',
  gss: null,
  jurisdiction: shortName.toLowerCase(),
  brandColour: '#000000',
  logoUrl: null,
  role: 'member',
  joinedOn: '2010-04-01',
  leftOn: null,
});

const members = [member(1, 'Exeter'), member(2, 'Teignbridge'), member(3, 'Devon')];

const arrangement = (
  orgId: number,
  lgslCode: number,
  mode: DeliveryMode,
  providerId: number,
): Arrangement => ({
  arrangementId: orgId * 1000 + lgslCode,
  orgId,
  lgslCode,
  validFrom: '2016-04-01',
  validTo: null,
  mode,
  level: 'district',
  provider: members.find((m) => m.orgId === providerId)!,
  leadCommissioner: null,
  partnershipId: 1,
  areaCode: null,
  reservedDecisions: [],
  delegatedDecisions: [],
  notes: null,
  notesInternal: true,
  source: '',
  recordedAt: '2016-01-01T00:00:00.000Z',
  recordedBy: null,
});

const service = (lgslCode: number, label: string) => ({
  lgslCode,
  label,
  status: 'live',
  description: '',
  providingTier: 'district' as const,
  kind: 'front_line' as const,
  menu: null,
});

const matrix = {
  partnership: { name: 'Test Devon' },
  date: '2026-04-01',
  members,
  services: [service(524, 'Household waste collection'), service(530, 'Recycling')],
  cells: [
    [
      { orgId: 1, lgslCode: 524, arrangement: arrangement(1, 524, 'lead_authority', 3) },
      { orgId: 2, lgslCode: 524, arrangement: arrangement(2, 524, 'lead_authority', 3) },
      { orgId: 3, lgslCode: 524, arrangement: null },
    ],
    [
      { orgId: 1, lgslCode: 530, arrangement: arrangement(1, 530, 'retained', 1) },
      { orgId: 2, lgslCode: 530, arrangement: null },
      { orgId: 3, lgslCode: 530, arrangement: null },
    ],
  ],
} as unknown as Matrix;

describe('the delivery chart', () => {
  it('counts each member’s services by how they are delivered', () => {
    const counts = deliveryCounts(matrix);
    assert.deepEqual(
      counts.rows.map((r) => [r.member, r.counts.retained, r.counts.lead_authority, r.total]),
      [
        ['Exeter', 1, 1, 2],
        ['Teignbridge', 0, 1, 1],
        ['Devon', 0, 0, 0],
      ],
    );
    assert.equal(counts.services, 2);
  });

  it('says what it shows in a sentence, with the date in words', () => {
    assert.equal(
      deliverySummary(deliveryCounts(matrix), matrix.date),
      'For each member, the bars count the partnership’s services by how the member delivers them on ' +
        '1 April 2026. 2 members record 3 arrangements: 2 delivered by a lead authority and 1 retained in-house.',
    );
    const none = {
      ...matrix,
      cells: matrix.cells.map((row) => row.map((c) => ({ ...c, arrangement: null }))),
    };
    assert.equal(
      deliverySummary(deliveryCounts(none as Matrix), matrix.date),
      'No member has recorded how it delivers its services on 1 April 2026.',
    );
  });

  it('groups the services members do not deliver themselves by who delivers them', () => {
    const groups = deliveredTogether(matrix);
    assert.deepEqual(
      groups.map((g) => [
        g.service.lgslCode,
        g.mode,
        g.provider.shortName,
        g.members.map((m) => m.member.shortName),
      ]),
      [[524, 'lead_authority', 'Devon', ['Exeter', 'Teignbridge']]],
    );
  });

  it('draws bars only for members with arrangements, titled with the partnership', async () => {
    const chart = await deliveryChart(matrix);
    assert.match(
      chart.svg,
      /<title id="delivery-chart-title">How members of Test Devon deliver their services<\/title>/,
    );
    const labels = [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.ok(labels.includes('Exeter') && labels.includes('Teignbridge'));
    assert.ok(!labels.includes('Devon'), 'a member with nothing recorded has no empty bar');
  });
});
