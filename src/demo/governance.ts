/**
 * The demo's governance: the bodies that decide for the councils the demo's proposals ask, and a
 * proposal in Integrated Devon waiting on two councils. The bodies are each council's executive
 * and full council under the names the councils use; the proposal, its dates and its decisions are
 * illustrative and marked so: the blueprint (seed 000) names joint decision making through "existing
 * structures … such as the Devon Local Government Steering Group" and cluster delivery, but no
 * proposal. Loading twice changes nothing.
 */
import type { Kysely } from 'kysely';
import type { DB, GovernanceBodyKind } from '../db/index.ts';
import { createRegisterService } from '../register/index.ts';
import { NOBODY, OPERATOR, createGovernanceService, type GovernanceActor } from '../governance/index.ts';
import type { Progress } from '../platform/index.ts';

const DEVON_SEED = 'seeds/000_5a495659d1c76ebd.txt';

/** Each council's executive body as the council names it, and its full council. */
interface DemoBody {
  org: string;
  name: string;
  kind: GovernanceBodyKind;
  partnership?: string;
}
const DEMO_BODIES: DemoBody[] = [
  { org: 'E10000008', name: 'Cabinet', kind: 'cabinet' }, // Devon County Council
  { org: 'E07000041', name: 'Executive', kind: 'executive' }, // Exeter: the seed's own "Executive"
  { org: 'E07000044', name: 'Executive', kind: 'executive' }, // South Hams
  { org: 'E07000045', name: 'Executive', kind: 'executive' }, // Teignbridge
  { org: 'E07000047', name: 'Hub Committee', kind: 'executive' }, // West Devon
  { org: 'E07000078', name: 'Cabinet', kind: 'cabinet' }, // Cheltenham
  { org: 'E07000079', name: 'Cabinet', kind: 'cabinet' }, // Cotswold
  { org: 'E07000080', name: 'Cabinet', kind: 'cabinet' }, // Forest of Dean
  { org: 'E07000181', name: 'Cabinet', kind: 'cabinet' }, // West Oxfordshire
  {
    org: '2020 Vision Joint Committee', // a partnership's own body: found by name among its members
    name: '2020 Vision Joint Committee',
    kind: 'joint_committee',
    partnership: '2020-vision',
  },
];
const FULL_COUNCILS = ['E10000008', 'E07000041', 'E07000044', 'E07000045', 'E07000047'].concat([
  'E07000078',
  'E07000079',
  'E07000080',
  'E07000181',
]);

const LICENSING_RESERVED = 'Licensing decisions (the regulatory role of Members)';

export async function loadDemoGovernance(db: Kysely<DB>, progress: Progress): Promise<void> {
  const register = createRegisterService(db);
  const governance = createGovernanceService({ db, register });
  if ((await governance.proposals(OPERATOR, 'integrated-devon')).length > 0) return;
  progress.start('Demo governance', 3);
  const vision = await register.partnership('2020-vision');
  const orgId = async (key: string) =>
    vision.members.find((m) => m.name === key)?.orgId ?? (await register.organisation(key)).orgId;
  const bodies = new Map<string, number>();
  for (const b of [
    ...DEMO_BODIES,
    ...FULL_COUNCILS.map((org): DemoBody => ({ org, name: 'Full Council', kind: 'full_council' })),
  ]) {
    const org = await orgId(b.org);
    const partnershipId = b.partnership ? (await register.partnership(b.partnership)).partnershipId : null;
    const body = await governance.createBody(OPERATOR, {
      orgId: org,
      name: b.name,
      kind: b.kind,
      partnershipId,
    });
    bodies.set(`${b.org}:${b.name}`, body.bodyId);
  }
  progress.tick();

  const [devon, teignbridge, southHams, westDevon] = await Promise.all(
    ['E10000008', 'E07000045', 'E07000044', 'E07000047'].map(orgId),
  );
  const devonId = (await register.partnership('integrated-devon')).partnershipId;
  // As Devon's partnership administrator would: the County keeps the partnership's proposals.
  const keeper: GovernanceActor = {
    ...NOBODY,
    keeps: [{ partnershipId: devonId, orgId: devon! }],
    orgIds: [devon!],
  };
  const cluster = 'integrated-devon-south';
  const joint = {
    lgslCode: 860, // Premises licence
    level: 'cluster',
    providerOrgId: teignbridge!,
    areaCode: cluster,
    reservedDecisions: [LICENSING_RESERVED],
    delegatedDecisions: ['Processing applications and inspections by the cluster team'],
    matters: [LICENSING_RESERVED],
  };
  const proposal = await governance.create(keeper, 'integrated-devon', {
    title: 'South cluster: one licensing team for Teignbridge, South Hams and West Devon',
    summary:
      "ILLUSTRATIVE. Under the blueprint's four clusters, the South cluster's three councils would process " +
      'premises licence applications through one team hosted by Teignbridge, from 1 April 2027. Licensing ' +
      "decisions stay with each council's Members, so each council decides, and the proposal touches a " +
      'matter each of them reserves.',
    effectiveFrom: '2027-04-01',
    illustrative: true,
    source:
      `ILLUSTRATIVE: ${DEVON_SEED} §4.2 (the four clusters), blueprint §4.1 (joint decision making through ` +
      'the Devon Local Government Steering Group) and §2 NB (the regulatory role of Members); the service, ' +
      "dates and decisions are the demo's",
    changes: [
      { ...joint, orgId: teignbridge!, mode: 'retained', notes: 'Teignbridge hosts the cluster team.' },
      { ...joint, orgId: southHams!, mode: 'joint_team', notes: 'Delivered by the South cluster team.' },
      { ...joint, orgId: westDevon!, mode: 'joint_team', notes: 'Delivered by the South cluster team.' },
    ],
    approvals: [
      { orgId: teignbridge!, bodyId: bodies.get('E07000045:Executive')! },
      { orgId: southHams!, bodyId: bodies.get('E07000044:Executive')! },
      { orgId: westDevon!, bodyId: bodies.get('E07000047:Hub Committee')! },
    ],
  });
  await governance.submit(keeper, proposal.id, {
    by: 'Devon Local Government Steering Group',
    on: '2026-10-14',
    minute: 'DLGSG 14 October 2026, item 5 (illustrative)',
  });
  progress.tick();
  const clerk = (org: number): GovernanceActor => ({ ...NOBODY, clerkOf: [org], orgIds: [org] });
  await governance.recordDecision(clerk(southHams!), proposal.id, {
    orgId: southHams!,
    bodyId: bodies.get('E07000044:Executive')!,
    decision: 'approved',
    decidedOn: '2026-11-19',
    minute: 'E.52/26 (illustrative)',
    paper: 'South cluster licensing team: report of the Director of Place (illustrative)',
  });
  progress.tick();
  progress.stop();
}
