/**
 * The demo's locality plans: one for each of Transforming Lancashire's twelve districts, as seed 003
 * proposes ("Production of a unified Locality Plan tailored to the needs of each of the districts
 * setting out the contribution of the two tiers of councils", §4.1), each agreed through "an
 * enhanced local governing body" of the district (§4.5), which the demo creates for each district
 * under that name through governance's door.
 *
 * The seed gives the priorities, not each district's plan: every objective is one of the seed's own
 * proposals, with the seed's words kept in its `source`; what each tier commits to paraphrases the
 * seed's development proposal for that service. The year, the owners (each council's Chief
 * Executive, the office that signed the proposals, §3.3) and the commitments as one year's work are
 * the demo's, so every plan and commitment is marked illustrative. No plan is recorded as agreed
 * and every commitment starts not started: the seed gives no dates, minutes or progress.
 * Loading twice changes nothing.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { OPERATOR, createGovernanceService } from '../governance/index.ts';
import { LOCALITY_OPERATOR, createLocalityService } from '../performance/index.ts';
import type { Progress } from '../platform/index.ts';
import { createRegisterService } from '../register/index.ts';

const SEED = 'seeds/003_ff7d1b8a28a9943e.txt';
const SLUG = 'transforming-lancashire';
export const DEMO_PLAN_YEAR = '2025-26';
/** "This will be negotiated through an enhanced local governing body" (§4.5). */
export const LOCALITY_BODY = 'Enhanced Local Governing Body';

type Who = 'county' | 'district' | 'legal-services-commission';

export interface DemoObjective {
  title: string;
  description: string;
  /** The seed's own words, with where they are. */
  source: string;
  commitments: Array<{ who: Who; commitment: string; measureIds: string[] }>;
}

/** The objectives of every Lancashire district's plan, in order, each from the seed. */
export const LANCASHIRE_OBJECTIVES: readonly DemoObjective[] = [
  {
    title: 'Highways and street scene brought together locally',
    description:
      'Greater local influence over highways and street scene services, with strategic and specialist highways functions kept at county level.',
    source:
      'Annexe 1, Highways/Street Scene: "Appropriate highways management and street scene services e.g.. brought together at a District/local level with a single local manager."',
    commitments: [
      {
        who: 'county',
        commitment:
          'Explore means for greater local responsiveness and involvement of the district in highways decisions, keeping strategic and specialist functions such as road safety at county level.',
        measureIds: ['closed_within_service_level', 'repeat_requests'],
      },
      {
        who: 'district',
        commitment:
          'Bring the district’s street scene services together with the county’s local highways management under a single local manager.',
        measureIds: ['closed_within_service_level', 'median_working_days_to_close'],
      },
    ],
  },
  {
    title: 'Single customer access to all council services',
    description: 'One stop shops, telephone and website access that answer for both tiers.',
    source:
      'Annexe 1, Customer Access ie One Stop Shops (OSS), Telephone & website access: "Single customer access points to all council services".',
    commitments: [
      {
        who: 'county',
        commitment:
          'Make the county’s services available through the district’s one stop shop, telephone and website access.',
        measureIds: ['referrals_in', 'closed_within_service_level'],
      },
      {
        who: 'district',
        commitment:
          'Take requests for county services at the district’s one stop shop, by telephone and on its website, so that residents need not know which council delivers which service.',
        measureIds: ['first_contact_resolution', 'requests_received', 'referrals_out'],
      },
    ],
  },
  {
    title: 'Joint locality based planning for children and young people',
    description:
      'Synergy between the county and the district in services for children and young people in socio-economically disadvantaged areas.',
    source:
      'Annexe 1, Children and Young People: "We will ensure arrangements are put in place to create synergy in joint locality based planning and the delivery of services relating to sport and leisure, community safety, health, the use of community facilities, extended services through schools".',
    commitments: [
      {
        who: 'county',
        commitment:
          'Plan extended services through schools and children’s centres with the district, through the Locality Children’s Trust.',
        measureIds: [],
      },
      {
        who: 'district',
        commitment:
          'Plan sport and leisure, community safety and the use of community facilities for children and young people with the county.',
        measureIds: [],
      },
    ],
  },
  {
    title: 'Advice needs identified, and advice funded and delivered accordingly',
    description:
      'Welfare rights and advice services co-ordinated on a Lancashire basis, taking account of the locality.',
    source:
      'Annexe 1, Welfare Rights and Advice Services: "County Council, District Councils and the Legal Services Commission to work together to identify advice needs on a Lancashire basis, then co-ordinate the funding and delivery of advice service accordingly, taking account of both locality and county considerations."',
    commitments: [
      {
        who: 'county',
        commitment:
          'Identify advice needs on a Lancashire basis with the districts and the Legal Services Commission.',
        measureIds: [],
      },
      {
        who: 'district',
        commitment:
          'Bring the district’s own knowledge of advice needs, and its advice funding, to the Lancashire-wide work.',
        measureIds: [],
      },
      {
        who: 'legal-services-commission',
        commitment:
          'Co-ordinate its funding of advice services in the district with the county and the district.',
        measureIds: [],
      },
    ],
  },
  {
    title: 'Disabled adaptations defined consistently across the tiers',
    description:
      'Strategic housing and Supporting People explored at multi-district level, with county-wide delivery of disabled adaptations.',
    source:
      'Annexe 1, Strategic Housing and Supporting People: "Explore County wide delivery of disabled adaptations including e.g. securing consistency on the definition of major adaptations provided by the District and minor adaptations provided by the County."',
    commitments: [
      {
        who: 'county',
        commitment: 'Agree with the district a definition of the minor adaptations the county provides.',
        measureIds: ['closed_within_service_level'],
      },
      {
        who: 'district',
        commitment: 'Agree with the county a definition of the major adaptations the district provides.',
        measureIds: ['closed_within_service_level'],
      },
    ],
  },
];

export async function loadDemoLocalities(db: Kysely<DB>, progress: Progress): Promise<void> {
  const register = createRegisterService(db);
  const governance = createGovernanceService({ db, register });
  const localities = createLocalityService({
    db,
    register,
    bodies: async (orgId) =>
      (await governance.bodies([orgId])).map((b) => ({ bodyId: b.bodyId, name: b.name })),
  });
  const partnership = await register.partnership(SLUG);
  const view = await localities.localities(LOCALITY_OPERATOR, SLUG);
  if (view.districts.some((d) => d.plan !== null)) return;
  const county = partnership.members.find((m) => m.kind === 'county' && m.leftOn === null)!;
  const lsc = partnership.members.find((m) => m.name === 'Legal Services Commission')!;
  progress.start('Demo locality plans', view.districts.length);
  for (const district of view.districts) {
    if ((await governance.bodies([district.orgId])).every((b) => b.name !== LOCALITY_BODY))
      await governance.createBody(OPERATOR, {
        orgId: district.orgId,
        name: LOCALITY_BODY,
        kind: 'committee',
      });
    const planId = await localities.createPlan(LOCALITY_OPERATOR, SLUG, district.orgId, {
      year: DEMO_PLAN_YEAR,
      title: `Locality Plan for ${district.name}`,
      summary:
        'The key activities of both tiers of local government towards the district’s Community Strategy objectives for the year, negotiated through the district’s enhanced local governing body.',
      illustrative: true,
      source: `${SEED} §4.1 "Production of a unified Locality Plan tailored to the needs of each of the districts setting out the contribution of the two tiers of councils to both Ambition Lancashire and the local Community Strategy"; §4.5 "Each district to have a Locality Plan in place. This will set out the key activities on an annual basis of both tiers of local government towards the district Community Strategy objectives."`,
    });
    for (const objective of LANCASHIRE_OBJECTIVES) {
      const position = await localities.addObjective(LOCALITY_OPERATOR, district.orgId, planId, {
        title: objective.title,
        description: objective.description,
        source: `${SEED} ${objective.source}`,
      });
      for (const c of objective.commitments) {
        const who = c.who === 'county' ? county : c.who === 'district' ? district : lsc;
        await localities.addCommitment(LOCALITY_OPERATOR, district.orgId, planId, {
          objectivePosition: position,
          committedOrgId: who.orgId,
          commitment: c.commitment,
          owner: c.who === 'legal-services-commission' ? who.name : `Chief Executive, ${who.name}`,
          measureIds: c.measureIds,
          illustrative: true,
        });
      }
    }
    progress.tick();
  }
  progress.stop();
}
