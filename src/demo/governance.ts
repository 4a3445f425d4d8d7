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
import {
  NOBODY,
  OPERATOR,
  createGovernanceService,
  createProgrammeService,
  createRiskService,
  createAppraisalService,
  type GovernanceActor,
} from '../governance/index.ts';
import type { Progress } from '../platform/index.ts';
import { loadDemoMeetings } from './meetings.ts';

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

export async function loadDemoGovernance(
  db: Kysely<DB>,
  progress: Progress,
  referenceDir?: string,
): Promise<void> {
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
  await loadVisionProgramme(db, register);
  await loadVisionRisks(db, register);
  await loadVisionAppraisal(db, register);
  await loadDemoMeetings(db, register, referenceDir);
  progress.stop();
}

const VISION_REPORT = 'seeds/004_2ab9354ca58d4887.txt';
const PROGRAMME_WORKSTREAM = 'Programme management, timetabling and risk management';
const INTERIM_WORKSTREAM = 'Interim management arrangements';
const GO_NO_GO_DATES = ['2014-12-31', '2015-09-30'];

/**
 * The 2020 Vision programme exactly as Table 7.4 of the report sets it out: five phases with their
 * key activities and the two go/no-go points for each authority. The seed gives seasons; the
 * dates are the seasons' bounds. Owners and workstreams are the report's own (§1.58, §1.75). The
 * seed is the plan, not what happened: like the demo's register, which takes the venture as live
 * from April 2016, each milestone is taken as reached when planned and each authority's go
 * decision as taken on the point's last day, and those are marked illustrative.
 */
async function loadVisionProgramme(db: Kysely<DB>, register: ReturnType<typeof createRegisterService>) {
  const programmes = createProgrammeService({ db, register });
  const vision = await register.partnership('2020-vision');
  const keeper: GovernanceActor = {
    ...NOBODY,
    keeps: [{ partnershipId: vision.partnershipId, orgId: (await register.organisation('E07000079')).orgId }],
  };
  const point = (title: string, dueOn: string, dependsOn: number[] = []) => ({
    title,
    kind: 'go_no_go' as const,
    dueOn,
    owner: 'Each partner authority',
    workstream: PROGRAMME_WORKSTREAM,
    dependsOn,
  });
  const milestone = (title: string, dueOn: string, workstream: string, dependsOn: number[] = []) => ({
    title,
    kind: 'milestone' as const,
    dueOn,
    owner: 'Programme Board',
    workstream,
    dependsOn,
    completedOn: dueOn,
  });
  const programme = await programmes.createProgramme(keeper, '2020-vision', {
    name: '2020 Vision programme',
    summary:
      'The indicative timetable for the partnership venture and interim management arrangements, ' +
      'from preliminary planning in autumn 2014 to the go-live of new arrangements in April 2016.',
    illustrative: true,
    source:
      `${VISION_REPORT} Table 7.4 "Summary of Timetable for 2020 Vision Programme" (phases, timing and ` +
      'key activities verbatim; dates are the bounds of the seasons it gives); §1.58 and §1.75 (workstreams, ' +
      'the Programme Board). ILLUSTRATIVE: milestones taken as reached when planned and each authority’s ' +
      'go decision as taken on the point’s last day, as the demo’s register takes the venture as live from April 2016',
    phases: [
      {
        name: 'Preliminary Planning',
        timing: 'Autumn 2014',
        startsOn: '2014-09-01',
        endsOn: '2014-12-31',
        activities: [
          'Develop Strategic Outline Case.',
          'Design programme plan.',
          'Design detail of interim management arrangements.',
          'Go/No-go decision point for each authority to proceed to next phase: Nov/Dec 2014.',
        ],
        milestones: [
          point(
            'Go/No-go decision point for each authority to proceed to next phase: Nov/Dec 2014',
            GO_NO_GO_DATES[0]!,
          ),
        ],
      },
      {
        name: 'Detailed Planning',
        timing: 'Winter 2014 - Spring 2015',
        startsOn: '2014-12-01',
        endsOn: '2015-05-31',
        activities: [
          'Establish interim joint committee including legal agreements.',
          'Implement interim management arrangements.',
          'Develop Outline Business Case.',
          'Initiate preliminary agreed projects.',
        ],
        milestones: [
          milestone(
            'Establish interim joint committee including legal agreements',
            '2015-05-31',
            INTERIM_WORKSTREAM,
            [0],
          ),
        ],
      },
      {
        name: 'Programme Initiation',
        timing: 'Summer 2015',
        startsOn: '2015-06-01',
        endsOn: '2015-09-30',
        activities: [
          'Develop Full Business Case.',
          'Develop draft legal agreements.',
          'Confirm whether to retain joint committee or move to company structure.',
          'Go/No-go decision point for each authority to proceed to next phase: September 2015.',
        ],
        milestones: [
          milestone('Develop Full Business Case', '2015-09-30', PROGRAMME_WORKSTREAM, [1]),
          point(
            'Go/No-go decision point for each authority to proceed to next phase: September 2015',
            GO_NO_GO_DATES[1]!,
            [2],
          ),
        ],
      },
      {
        name: 'Initial implementation',
        timing: 'Autumn 2015',
        startsOn: '2015-09-01',
        endsOn: '2015-11-30',
        activities: [
          'Develop and manage transition plans, including statutory consultation.',
          'Consult on and implement permanent management arrangements.',
          'Refine and agree legal agreements, including any contractual requirements.',
        ],
        milestones: [milestone('Refine and agree legal agreements', '2015-11-30', INTERIM_WORKSTREAM, [3])],
      },
      {
        name: 'Full go-live of partnership venture',
        timing: 'Spring 2016',
        startsOn: '2016-03-01',
        endsOn: '2016-05-31',
        activities: [
          'Transition made to new organisations.',
          'Delivery of programme transformation project continues.',
          'Go-live of new arrangements: April 2016.',
        ],
        milestones: [
          milestone('Go-live of new arrangements: April 2016', '2016-04-01', PROGRAMME_WORKSTREAM, [4]),
        ],
      },
    ],
  });
  const points = programme.phases.flatMap((ph) => ph.milestones).filter((m) => m.kind === 'go_no_go');
  for (const [i, p] of points.entries()) {
    for (const d of p.decisions) {
      const clerk: GovernanceActor = { ...NOBODY, clerkOf: [d.council.orgId], orgIds: [d.council.orgId] };
      await programmes.recordGoNoGo(clerk, '2020-vision', p.milestoneId, {
        orgId: d.council.orgId,
        decision: 'go',
        decidedOn: GO_NO_GO_DATES[i]!,
        minute: 'Illustrative: the seed plans the decision but does not record it',
      });
    }
  }
}

/**
 * The 2020 Vision risk log: the challenges the report names as "potential risks that need to be
 * managed" (chapter 4, §1.22 to §1.30) and the re-growing of retained units (§1.48), each in the
 * report's words, owned by the Programme Board that §1.75 gives the initial risk log to. The
 * report publishes no scores or dates: the scores and the quarterly reviews from its date are
 * illustrative and marked so.
 */
async function loadVisionRisks(db: Kysely<DB>, register: ReturnType<typeof createRegisterService>) {
  const risks = createRiskService({ db, register });
  const vision = await register.partnership('2020-vision');
  const keeper: GovernanceActor = {
    ...NOBODY,
    keeps: [{ partnershipId: vision.partnershipId, orgId: (await register.organisation('E07000079')).orgId }],
  };
  const log: Array<[string, string, string, [number, number], [number, number], string, string]> = [
    [
      'Staying local: eroding each council’s sovereignty and identity',
      '"2020 Vision aims to preserve the sovereignty and identity of each local authority, but there were concerns about the danger of eroding them if collaboration led to complete standardisation."',
      '§1.23',
      [4, 4],
      [2, 4],
      'treat',
      'Each council keeps its reserved decisions (Recommendation 5.3) and a joint protocol on identity and branding (Recommendation 5.2).',
    ],
    [
      'Managing complexity: arrangements that are hard to understand',
      '"There was a strong emphasis on the importance of ensuring that new arrangements were both transparent and readily understandable."',
      '§1.24',
      [3, 3],
      [2, 3],
      'treat',
      'Streamline the management of existing sourcing arrangements as the venture is set up.',
    ],
    [
      'Taking people with you: members, staff and trade unions not engaged',
      '"The importance was stressed of engaging with and informing elected members so that they are able to shape the development of the programme … The importance of engagement with staff and trade unions was stressed."',
      '§1.25',
      [3, 4],
      [2, 3],
      'treat',
      'Engagement, consultation and leadership as a workstream of the programme (§1.59 to §1.62).',
    ],
    [
      'Creating the capacity: the public notices an adverse impact of the change',
      '"The intention of 2020 Vision is that the public should not notice any adverse impact of any changes … The importance of investing in the resources needed to make the change possible was underlined."',
      '§1.26',
      [4, 4],
      [3, 3],
      'treat',
      'Invest in the resources the change needs; combine support teams where capacity is an issue.',
    ],
    [
      'Policy on pensions: employer contributions almost doubling',
      '"Projections suggest that the rate of employer contributions to the pension scheme will almost double over the next twenty years." The scale "is not yet widely understood".',
      '§1.27 to §1.29',
      [4, 5],
      [3, 4],
      'treat',
      'Take time to explore fully the reasons for and feasibility of moving new starters to a stakeholder scheme (§1.29).',
    ],
    [
      'Understanding the alternatives: options for savings not yet exhausted',
      '"While authorities may feel they have exhausted many of the options, the service and budget planning process in each authority will enable them to consider the options further."',
      '§1.30',
      [2, 3],
      [2, 3],
      'tolerate',
      'Each authority considers the options in its own service and budget planning.',
    ],
    [
      'Retained and client-side units re-growing',
      '"The size and functions of any retained functions must be kept under review to avoid the risk of retained and client side units \'re-growing\' and duplicating activities that are being delivered by service providers."',
      '§1.48',
      [3, 3],
      [2, 2],
      'treat',
      'Keep the size and functions of retained units under review.',
    ],
  ];
  for (const [title, description, where, inherent, residual, treatment, treatmentNotes] of log) {
    await risks.createRisk(keeper, '2020-vision', {
      title,
      description,
      owner: 'Programme Board',
      inherent: { likelihood: inherent[0], impact: inherent[1] },
      residual: { likelihood: residual[0], impact: residual[1] },
      treatment,
      treatmentNotes,
      lastReviewedOn: '2014-11-20',
      nextReviewOn: '2015-02-20',
      illustrative: true,
      source: `${VISION_REPORT} ${where}; ILLUSTRATIVE scores and review dates (the report gives none)`,
    });
  }
}

/**
 * The 2020 Vision option appraisal: the outcomes framework (Table 4.8) and the longlist of sourcing
 * options (Table 6.2) verbatim, rated high, medium or low with no weights as §1.51 describes, and
 * the shortlist of §1.52 (the sharing and company options). The report publishes the method and the
 * shortlist but not each rating: the ratings are illustrative, chosen to agree with its shortlist.
 */
async function loadVisionAppraisal(db: Kysely<DB>, register: ReturnType<typeof createRegisterService>) {
  const appraisals = createAppraisalService({ db, register });
  const vision = await register.partnership('2020-vision');
  const keeper: GovernanceActor = {
    ...NOBODY,
    keeps: [{ partnershipId: vision.partnershipId, orgId: (await register.organisation('E07000079')).orgId }],
  };
  await appraisals.createAppraisal(keeper, '2020-vision', {
    title: 'Preliminary appraisal of the sourcing options for 2020 Vision',
    method:
      'Each of the longlisted models has been evaluated for its contribution to each of the outcomes set out in ' +
      'the outcomes framework, using a simple rating of high, medium and low; no weightings have been applied. (§1.51)',
    conclusion:
      'Two broad strategic options are recommended for consideration on the shortlist: Traditional Sharing (under ' +
      's101 and s102 of the Local Government Act 1972), and Teckal and Trading Companies. (§1.52) It is recommended ' +
      'that a new partnership venture is established at an early stage under the control of an interim joint ' +
      'committee. (§1.55)',
    illustrative: true,
    source:
      `${VISION_REPORT} Table 4.8 (outcomes framework), Table 6.2 (longlist), §1.51 to §1.55 (method, shortlist, ` +
      'recommendation); ILLUSTRATIVE ratings (the report does not publish them)',
    outcomes: [
      {
        name: 'Savings',
        contributory: [
          'Delivers realistic and sustainable revenue savings.',
          'Provides a positive return on investment in the medium to long term.',
          'Enables us to make further savings through partnership and better asset management.',
          'Enables opportunities for income generation.',
        ],
      },
      {
        name: 'Influence',
        contributory: [
          'Respects our separate identities as individual authorities.',
          'Ensures our decision making will remain locally accountable.',
          'Strengthens our ability to exercise community leadership on behalf of our localities.',
          'Allows us to retain strong local knowledge in our frontline services.',
          'Provides each authority with impartial commissioning and client side advice from people they trust.',
        ],
      },
      {
        name: 'Quality',
        contributory: [
          'Enhances and maintains good quality services to the public.',
          'Allows us to nurture our partnerships and take advantage of new ones.',
          'Creates organisations that are flexible and adaptable to future changes.',
          'Has governance and structures that are streamlined and easy to understand.',
          'Is widely acknowledged to be socially responsible.',
        ],
      },
      {
        name: 'Creativity',
        contributory: [
          'Empowers staff to be creative, collaborative and enquiring.',
          'Supports our commitment to a public service that responds to and empowers our local communities.',
          'Fosters and rewards an innovative, can-do approach to delivering services.',
        ],
      },
    ],
    options: [
      {
        kind: 'make',
        name: "As is (or suggested as 'in-house transformation')",
        ratings: ['low', 'high', 'medium', 'low'],
      },
      {
        kind: 'buy',
        name: 'Private sector joint venture (only if there is a particular need for external capital or skills)',
        ratings: ['medium', 'low', 'medium', 'medium'],
      },
      {
        kind: 'share',
        name: 'Arms-length company (Teckal) jointly owned by partner authorities (ie a public sector joint venture)',
        shortlisted: true,
        ratings: ['high', 'medium', 'high', 'high'],
      },
      {
        kind: 'share',
        name: 'Jointly owned trading company',
        shortlisted: true,
        ratings: ['high', 'medium', 'medium', 'high'],
      },
      {
        kind: 'share',
        name: 'Shared service model (lead authority or joint committee)',
        shortlisted: true,
        ratings: ['high', 'high', 'medium', 'medium'],
      },
      {
        kind: 'divest',
        name: 'Spin-out to mutual or charitable trust',
        ratings: ['medium', 'low', 'medium', 'high'],
      },
    ],
  });
}
