/**
 * The demo register: one partnership per seed report in ../shared/seeds, with its member councils,
 * partner bodies, clusters, service menus and arrangements. `demo.loader.ts` loads it.
 *
 * Every council is a real GSS code from ../shared/data/authorities/derived_england_council_hierarchy.csv
 * and every service a live LGSL code from ../shared/data/services. Every arrangement says in `source`
 * where in the seed it comes from. The seeds are proposals and reports, not registers: where a seed
 * says what is shared but not who hosts it, or names a service area that has no LGSL code of the same
 * name, the choice made here is written beside it. `partnerships.test.ts` holds the data to the files.
 *
 * Dates come from the seeds (report, meeting and go-live dates). Where a seed gives only a year the
 * demo uses 1 April of that year, and where it gives only a month, the 1st; `source` says so.
 */
import { areaCodeFor } from '../geography/index.ts';
import type { DeliveryLevel, DeliveryMode, OrganisationKind } from '../db/index.ts';

export interface DemoMember {
  gss: string;
  role: 'member' | 'associate';
}

/** A partner body or partnership vehicle: police, NHS, probation, a joint committee, a company… */
export interface DemoBody {
  key: string;
  kind: OrganisationKind;
  name: string;
  gss?: string;
  source: string;
}

/** A cluster of districts. Its code is the demo's own (clusters have no GSS code). */
export interface DemoCluster {
  code: string;
  name: string;
  districtGss: string[];
}

/**
 * A partnership's own area below a council, made from every postcode sector of `outcode` that the
 * shipped postcode data holds (so it is as wide as the postcode district, as far as the data goes).
 */
export interface DemoLocality {
  name: string;
  kind: 'locality';
  outcode: string;
  source: string;
}

export interface DemoServiceMenu {
  name: string;
  kind: 'front_line' | 'back_office';
  lgsl: number[];
}

export interface DemoArrangement {
  /** GSS code of the member council (or a body key). */
  member: string;
  lgsl: number;
  /** YYYY-MM-DD. */
  validFrom: string;
  mode: DeliveryMode;
  level: DeliveryLevel;
  /** GSS code of a council or a body key. */
  provider: string;
  leadCommissioner?: string;
  /** An area code: a council GSS code or a cluster code. */
  area?: string;
  /** Decisions the council reserves (the sovereignty register, 2020 Vision recommendation 5.3). */
  reserved: string[];
  /** Decisions it delegates. */
  delegated: string[];
  /** Where in the seed this comes from. */
  source: string;
}

export interface DemoPartnership {
  slug: string;
  name: string;
  summary: string;
  seed: string[];
  members: DemoMember[];
  otherBodies: DemoBody[];
  clusters: DemoCluster[];
  localities: DemoLocality[];
  serviceMenus: DemoServiceMenu[];
  arrangements: DemoArrangement[];
}

type Row = Omit<DemoArrangement, 'reserved' | 'delegated'> & { reserved?: string[]; delegated?: string[] };
const row = (r: Row): DemoArrangement => ({ ...r, reserved: r.reserved ?? [], delegated: r.delegated ?? [] });

// ---------------------------------------------------------------------------------------------------
// Integrated Devon — seed 000: Exeter City Council Executive, 7 April 2009, "Devon Districts' Draft
// Blueprint for Integrated Devon".
// ---------------------------------------------------------------------------------------------------

const DEVON_SEED = '000_5a495659d1c76ebd.txt';

const DEVON = 'E10000008';
const EAST_DEVON = 'E07000040';
const EXETER = 'E07000041';
const MID_DEVON = 'E07000042';
const NORTH_DEVON = 'E07000043';
const SOUTH_HAMS = 'E07000044';
const TEIGNBRIDGE = 'E07000045';
const TORRIDGE = 'E07000046';
const WEST_DEVON = 'E07000047';
const DEVON_DISTRICTS = [
  EAST_DEVON,
  EXETER,
  MID_DEVON,
  NORTH_DEVON,
  SOUTH_HAMS,
  TEIGNBRIDGE,
  TORRIDGE,
  WEST_DEVON,
];

/** "In 2007 Devon Councils agreed…": the seed gives only the year. */
const DEVON_2007 = '2007-04-01';
/** The DLGSG meeting at which the County Council gave its position on the clusters (§4.3). */
const DEVON_DLGSG = '2009-03-23';
/** The Exeter Executive meeting that considered the blueprint and the four clusters. */
const DEVON_BLUEPRINT = '2009-04-07';

/**
 * The four clusters exactly as §4.2 and the blueprint's §3 define them. `host` is the council whose
 * team delivers a cluster service: the seed says services "may be provided by one local authority …
 * and supplied to other Devon authorities" (blueprint §5.1) but names no host, so the demo uses the cluster's
 * largest council by Census 2021 population (hierarchy file). That choice is the demo's, not the seed's.
 */
const DEVON_CLUSTERS: Array<DemoCluster & { host: string }> = [
  {
    code: 'integrated-devon-east',
    name: 'Integrated Devon: East cluster (East Devon and Mid Devon)',
    districtGss: [EAST_DEVON, MID_DEVON],
    host: EAST_DEVON,
  },
  {
    code: 'integrated-devon-south',
    name: 'Integrated Devon: South cluster (Teignbridge, South Hams and West Devon)',
    districtGss: [TEIGNBRIDGE, SOUTH_HAMS, WEST_DEVON],
    host: TEIGNBRIDGE,
  },
  {
    code: 'integrated-devon-north',
    name: 'Integrated Devon: North cluster (Torridge and North Devon)',
    districtGss: [TORRIDGE, NORTH_DEVON],
    host: NORTH_DEVON,
  },
  {
    code: 'integrated-devon-exeter',
    name: 'Integrated Devon: Exeter cluster',
    districtGss: [EXETER],
    host: EXETER,
  },
];

/**
 * "Spatially delivered services are likely to be particularly suited to this approach" (blueprint §3).
 * The seed names no services; these three district services are delivered round by round and visit
 * by visit across the district, so the demo takes them as its spatially delivered services.
 */
const DEVON_CLUSTER_SERVICES = [
  524, // Household waste collection
  432, // Dog wardens
  499, // Building control
];

/*
 * The blueprint also allows delivery "at market town level" (§3) but names no town and no service.
 * To show a rule below the district, the demo takes two of Mid Devon's market towns as localities
 * of the partnership, each as wide as its postcode district in the shipped postcode data (Tiverton,
 * EX16; Crediton, EX17), and has Mid Devon keep household waste collection there itself at market
 * town level while the rest of Mid Devon goes to the East cluster. Illustrative, and marked so:
 * the towns, the service and the date are the demo's choices, not the seed's.
 */
const DEVON_MARKET_TOWNS = [
  { name: 'Tiverton', outcode: 'EX16' },
  { name: 'Crediton', outcode: 'EX17' },
];
const MARKET_TOWN_LEVEL_FROM = '2010-04-01';
function devonArrangements(): DemoArrangement[] {
  const rows: DemoArrangement[] = [];

  // Cluster services: each district delivered them itself, then through its cluster from the blueprint.
  for (const cluster of DEVON_CLUSTERS) {
    for (const district of cluster.districtGss) {
      for (const lgsl of DEVON_CLUSTER_SERVICES) {
        rows.push(
          row({
            member: district,
            lgsl,
            validFrom: DEVON_2007,
            mode: 'retained',
            level: 'district',
            provider: district,
            area: district,
            source:
              `${DEVON_SEED} blueprint §1 "In 2007 Devon Councils agreed" that an Integrated Devon would be ` +
              'developed (only the year is given: 1 April 2007 used); until then each council delivers it itself',
          }),
        );
        const alone = cluster.districtGss.length === 1;
        const hosts = district === cluster.host;
        rows.push(
          row({
            member: district,
            lgsl,
            validFrom: DEVON_BLUEPRINT,
            mode: hosts ? 'retained' : 'joint_team',
            level: 'cluster',
            provider: cluster.host,
            area: cluster.code,
            reserved: [
              'Whether the service stays in the cluster arrangement (operating models decided service by service)',
            ],
            delegated: hosts ? [] : ['Day-to-day delivery by the cluster team'],
            source:
              `${DEVON_SEED} §4.2 and blueprint §3 "As a starting point, we will look to a Four Cluster ` +
              'approach … Spatially delivered services are likely to be particularly suited to this approach"; ' +
              (alone
                ? 'Exeter is a cluster of its own'
                : hosts
                  ? 'this council hosts the cluster team (host: demo choice, largest council in the cluster)'
                  : 'delivered by the cluster team (host: demo choice, largest council in the cluster)'),
          }),
        );
      }
    }
  }

  // Market-town level (illustrative): Mid Devon keeps household waste collection in two towns.
  for (const town of DEVON_MARKET_TOWNS) {
    rows.push(
      row({
        member: MID_DEVON,
        lgsl: 524,
        validFrom: MARKET_TOWN_LEVEL_FROM,
        mode: 'retained',
        level: 'locality',
        provider: MID_DEVON,
        area: areaCodeFor('integrated-devon', 'locality', town.name),
        source:
          `${DEVON_SEED} blueprint §3 "be that County wide, joint cluster, District based or at market town ` +
          `level"; illustrative: ${town.name} (${town.outcode}), the service and the date ` +
          `(${MARKET_TOWN_LEVEL_FROM}) are the demo's choices`,
      }),
    );
  }

  // District level: the regulatory role of Members stays with each council.
  for (const district of DEVON_DISTRICTS) {
    rows.push(
      row({
        member: district,
        lgsl: 608, // Development control
        validFrom: DEVON_BLUEPRINT,
        mode: 'retained',
        level: 'district',
        provider: district,
        area: district,
        reserved: ['Planning decisions (the statutory and regulatory role of Members)'],
        source:
          `${DEVON_SEED} blueprint §2 NB "The statutory role of Members in decision making and their ` +
          'accepted regulatory role, such as Planning and Licensing functions, will be built into any proposals"',
      }),
      row({
        member: district,
        lgsl: 860, // Premises licence
        validFrom: DEVON_BLUEPRINT,
        mode: 'retained',
        level: 'district',
        provider: district,
        area: district,
        reserved: ['Licensing decisions (the regulatory role of Members)'],
        source:
          `${DEVON_SEED} blueprint §2 NB "their accepted regulatory role, such as Planning and Licensing ` +
          'functions, will be built into any proposals"',
      }),
    );
  }

  // County-wide: the County Council's own services, model chosen case by case.
  for (const lgsl of [
    557, // Road maintenance
    437, // Library facilities
    531, // Household waste disposal sites
  ]) {
    rows.push(
      row({
        member: DEVON,
        lgsl,
        validFrom: DEVON_DLGSG,
        mode: 'retained',
        level: 'county_wide',
        provider: DEVON,
        area: DEVON,
        reserved: ['Delivery model for county services, chosen case by case rather than by cluster'],
        source:
          `${DEVON_SEED} §4.3 (DLGSG, 23 March 2009) "the County Council would not endorse the four-cluster ` +
          'approach and would adopt the most appropriate service delivery model for their services on a case ' +
          'by case basis"',
      }),
    );
  }

  // County-wide back office "from one central point". The seed names no central point; the demo uses the
  // County Council. Exeter, pursuing unitary status (§3.3), keeps its own.
  const centralPoint =
    `blueprint §3 "Certain services, particularly 'back office' support, may be provided from one central ` +
    'point across Devon" (central point: demo choice, the County Council)';
  const backOffice: Array<{ lgsl: number; delegated: string; source: string }> = [
    {
      lgsl: 592, // Property register: the shared asset information of blueprint §6.2
      delegated: 'Keeping the shared register of council assets',
      source:
        `${DEVON_SEED} blueprint §6.2 "the assets of each council to enable informed decisions to be made ` +
        `around service delivery and customer access"; ${centralPoint}`,
    },
    {
      lgsl: 725, // Performance measurement and reporting
      delegated: 'Collecting and reporting performance information across Devon',
      source:
        `${DEVON_SEED} blueprint §4.1 "A strong performance management culture and systems will be ` +
        `essential"; ${centralPoint}`,
    },
  ];
  for (const b of backOffice) {
    rows.push(
      row({
        member: DEVON,
        lgsl: b.lgsl,
        validFrom: DEVON_BLUEPRINT,
        mode: 'retained',
        level: 'county_wide',
        provider: DEVON,
        area: DEVON,
        source: `${b.source}; the County Council is the central point`,
      }),
    );
    for (const district of DEVON_DISTRICTS.filter((d) => d !== EXETER)) {
      rows.push(
        row({
          member: district,
          lgsl: b.lgsl,
          validFrom: DEVON_BLUEPRINT,
          mode: 'lead_authority',
          level: 'county_wide',
          provider: DEVON,
          area: DEVON,
          delegated: [b.delegated],
          source: `${b.source}; blueprint §5.1 "services may be provided by one local authority … and supplied to other Devon authorities"`,
        }),
      );
    }
  }
  return rows;
}

const INTEGRATED_DEVON: DemoPartnership = {
  slug: 'integrated-devon',
  name: 'Integrated Devon',
  summary:
    'Devon County Council and the eight Devon districts working together in four clusters (East, South, ' +
    'North and Exeter), deciding service by service whether a service is best delivered county-wide, per ' +
    'cluster, per district or at market-town level.',
  seed: [DEVON_SEED],
  members: [DEVON, ...DEVON_DISTRICTS].map((gss) => ({ gss, role: 'member' as const })),
  otherBodies: [
    {
      key: 'devon-local-government-steering-group',
      kind: 'joint_committee',
      name: 'Devon Local Government Steering Group',
      source:
        `${DEVON_SEED} §3.1 "Membership of the DLGSG comprises the Leaders and Chief Executives of the nine ` +
        'Devon Local Authorities"; blueprint §4.1 joint decision-making through "existing structures … such ' +
        'as the Devon Local Government Steering Group"',
    },
    {
      // The association of Devon's parish and town councils.
      key: 'devon-association-of-parish-councils',
      kind: 'other_public_body',
      name: 'Devon Association of Parish Councils',
      source: `${DEVON_SEED} §3.1 "together with the Chair and Secretary of the Devon Association of Parish Councils"`,
    },
    {
      key: 'torbay',
      kind: 'unitary',
      name: 'Torbay Council',
      gss: 'E06000027',
      source: `${DEVON_SEED} blueprint §3 "work with neighbouring councils, such as Torbay and Plymouth … when mutual benefits are identified"`,
    },
    {
      key: 'plymouth',
      kind: 'unitary',
      name: 'Plymouth City Council',
      gss: 'E06000026',
      source: `${DEVON_SEED} blueprint §3 "work with neighbouring councils, such as Torbay and Plymouth … when mutual benefits are identified"`,
    },
  ],
  clusters: DEVON_CLUSTERS.map(({ code, name, districtGss }) => ({ code, name, districtGss })),
  localities: DEVON_MARKET_TOWNS.map(({ name, outcode }) => ({
    name,
    kind: 'locality' as const,
    outcode,
    source: `${DEVON_SEED} blueprint §3 "at market town level"; illustrative: the seed names no market town`,
  })),
  serviceMenus: [
    {
      name: 'Spatially delivered services (four clusters)',
      kind: 'front_line',
      lgsl: DEVON_CLUSTER_SERVICES,
    },
    { name: 'Regulatory functions (the role of Members)', kind: 'front_line', lgsl: [608, 860] },
    { name: 'County services (model chosen case by case)', kind: 'front_line', lgsl: [557, 437, 531] },
    { name: 'Back-office support from one central point', kind: 'back_office', lgsl: [592, 725] },
  ],
  arrangements: devonArrangements(),
};

// ---------------------------------------------------------------------------------------------------
// Warwickshire Way — seed 001: Warwickshire County Council, 23 January 2007, "Enhanced Two Tier
// Working", with the partnership's statement of intent of 25 January 2007.
// ---------------------------------------------------------------------------------------------------

const WARKS_SEED = '001_9aac5e66c2b837af.txt';

const WARWICKSHIRE = 'E10000031';
const NORTH_WARWICKSHIRE = 'E07000218';
const NUNEATON_AND_BEDWORTH = 'E07000219';
const RUGBY = 'E07000220';
const STRATFORD_ON_AVON = 'E07000221';
const WARWICK = 'E07000222';
const WARKS_DISTRICTS = [NORTH_WARWICKSHIRE, NUNEATON_AND_BEDWORTH, RUGBY, STRATFORD_ON_AVON, WARWICK];

/** The County Council meeting that endorsed the statement of intent. */
const WARKS_REPORT = '2007-01-23';
/** "initiated from April 2007 onwards" (§6.2): only the month is given. */
const WARKS_PILOTS = '2007-04-01';
const PILOT_DATE_NOTE =
  '§6.2 "initiated from April 2007 onwards" (only the month is given: 1 April 2007 used)';
const BEFORE_PILOTS = `${WARKS_SEED} report of 23 January 2007: proposed as a pilot, so each council still delivers it itself`;

const POLICE = 'warwickshire-police';
const CONNEXIONS = 'warwickshire-connexions';

function warwickshireArrangements(): DemoArrangement[] {
  const rows: DemoArrangement[] = [];
  const own = (gss: string) =>
    gss === WARWICKSHIRE
      ? ({ level: 'county_wide', area: gss } as const)
      : ({ level: 'district', area: gss } as const);

  // Community safety: a co-located joint team with the Police Force. LGSL 870 is provided by every tier.
  for (const council of [WARWICKSHIRE, ...WARKS_DISTRICTS]) {
    rows.push(
      row({
        member: council,
        lgsl: 870,
        validFrom: WARKS_REPORT,
        mode: 'retained',
        provider: council,
        ...own(council),
        source: BEFORE_PILOTS,
      }),
      row({
        member: council,
        lgsl: 870,
        validFrom: WARKS_PILOTS,
        mode: 'joint_team',
        level: 'county_wide',
        provider: POLICE,
        area: WARWICKSHIRE,
        delegated: ['Day-to-day work of the co-located joint community safety team'],
        source:
          `${WARKS_SEED} §5.1 p) "exploring the establishment of a co-located joint community safety team ` +
          `with the Police Force"; ${PILOT_DATE_NOTE}`,
      }),
    );
  }

  // Emergency planning, one of the "Shared Services" pilots. The seed names no host; the demo uses the
  // County Council, the largest partner (the same rule as the other shared pilots).
  rows.push(
    row({
      member: WARWICKSHIRE,
      lgsl: 703, // Emergency plan
      validFrom: WARKS_REPORT,
      mode: 'retained',
      level: 'county_wide',
      provider: WARWICKSHIRE,
      area: WARWICKSHIRE,
      source: `${WARKS_SEED} §5.1 r) Shared Services pilots: "Emergency Planning"; the County Council hosts it`,
    }),
  );
  for (const district of WARKS_DISTRICTS) {
    rows.push(
      row({
        member: district,
        lgsl: 703,
        validFrom: WARKS_REPORT,
        mode: 'retained',
        level: 'district',
        provider: district,
        area: district,
        source: BEFORE_PILOTS,
      }),
      row({
        member: district,
        lgsl: 703,
        validFrom: WARKS_PILOTS,
        mode: 'lead_authority',
        level: 'county_wide',
        provider: WARWICKSHIRE,
        area: WARWICKSHIRE,
        source:
          `${WARKS_SEED} §5.1 r) Shared Services pilots: "Emergency Planning" (host: demo choice, the County ` +
          `Council); ${PILOT_DATE_NOTE}`,
      }),
    );
  }

  // Revenues and Benefits, a "People specific" pilot among the five districts. No host is named; the demo
  // uses Warwick, the largest district by Census 2021 population.
  for (const lgsl of [
    69, // Housing benefit new claim
    57, // Council tax annual notification
  ]) {
    for (const district of WARKS_DISTRICTS) {
      rows.push(
        row({
          member: district,
          lgsl,
          validFrom: WARKS_REPORT,
          mode: 'retained',
          level: 'district',
          provider: district,
          area: district,
          source: BEFORE_PILOTS,
        }),
        row({
          member: district,
          lgsl,
          validFrom: WARKS_PILOTS,
          mode: district === WARWICK ? 'retained' : 'joint_team',
          level: 'county_wide',
          provider: WARWICK,
          area: WARWICKSHIRE,
          source:
            `${WARKS_SEED} §5.1 r) People specific pilots: "Revenues and Benefits Services" ` +
            (district === WARWICK
              ? '(this council hosts the shared team: demo choice, the largest district)'
              : '(host: demo choice, Warwick, the largest district)') +
            `; ${PILOT_DATE_NOTE}`,
        }),
      );
    }
  }

  // Environmental Health (districts) integrated with Trading Standards (county).
  rows.push(
    row({
      member: WARWICKSHIRE,
      lgsl: 403, // Retail trading standards
      validFrom: WARKS_REPORT,
      mode: 'retained',
      level: 'county_wide',
      provider: WARWICKSHIRE,
      area: WARWICKSHIRE,
      source: `${WARKS_SEED} §5.1 r) People specific pilots: "Environmental Health & Trading Standards"; the County Council's trading standards service hosts the integrated team`,
    }),
  );
  for (const district of WARKS_DISTRICTS) {
    rows.push(
      row({
        member: district,
        lgsl: 406, // Food safety inspections
        validFrom: WARKS_REPORT,
        mode: 'retained',
        level: 'district',
        provider: district,
        area: district,
        source: BEFORE_PILOTS,
      }),
      row({
        member: district,
        lgsl: 406,
        validFrom: WARKS_PILOTS,
        mode: 'joint_team',
        level: 'county_wide',
        provider: WARWICKSHIRE,
        area: WARWICKSHIRE,
        source:
          `${WARKS_SEED} §5.1 r) People specific pilots: "Environmental Health & Trading Standards" (host: ` +
          `demo choice, the County Council); ${PILOT_DATE_NOTE}`,
      }),
    );
  }

  // Careers information, advice and guidance for adults, integrated with Connexions. LGSL has no adult
  // careers service; 887 "Careers advice" is the nearest label.
  rows.push(
    row({
      member: WARWICKSHIRE,
      lgsl: 887,
      validFrom: WARKS_REPORT,
      mode: 'retained',
      level: 'county_wide',
      provider: WARWICKSHIRE,
      area: WARWICKSHIRE,
      source: BEFORE_PILOTS,
    }),
    row({
      member: WARWICKSHIRE,
      lgsl: 887,
      validFrom: WARKS_PILOTS,
      mode: 'joint_team',
      level: 'county_wide',
      provider: CONNEXIONS,
      area: WARWICKSHIRE,
      source:
        `${WARKS_SEED} §5.1 g) "Integration of the careers information advice and guidance service for ` +
        `adults as part of local public service delivery"; ${PILOT_DATE_NOTE}`,
    }),
  );
  return rows;
}

const WARWICKSHIRE_WAY: DemoPartnership = {
  slug: 'warwickshire-way',
  name: 'Warwickshire Way',
  summary:
    'Warwickshire County Council, its five districts, the police, NHS, probation and other agencies: one ' +
    'front door to all public services through Warwickshire Direct, a shared back office, and integrated ' +
    'services piloted service by service, so that the agencies, not the customer, do the legwork.',
  seed: [WARKS_SEED],
  members: [WARWICKSHIRE, ...WARKS_DISTRICTS].map((gss) => ({ gss, role: 'member' as const })),
  // The agencies that make the proposal (§1.1), and the Public Services Board (§2.3). The seed names no
  // fire and rescue service.
  otherBodies: [
    {
      key: POLICE,
      kind: 'police',
      name: 'Warwickshire Police Authority & Force',
      source: `${WARKS_SEED} §1.1; §5.1 d) "Shared back-office solutions with Warwickshire Police"; §5.1 p)`,
    },
    {
      key: 'warwickshire-probation',
      kind: 'probation',
      name: 'Warwickshire Probation Service',
      source: `${WARKS_SEED} §1.1`,
    },
    { key: 'nhs-warwickshire', kind: 'nhs', name: 'NHS Warwickshire', source: `${WARKS_SEED} §1.1` },
    {
      key: CONNEXIONS,
      kind: 'other_public_body',
      name: 'Warwickshire Connexions',
      source: `${WARKS_SEED} §1.1; §5.1 g) "Shared accommodation of Young Peoples Services with the ConneXions Service"`,
    },
    {
      key: 'learning-and-skills-council',
      kind: 'other_public_body',
      name: 'The Learning and Skills Council',
      source: `${WARKS_SEED} §1.1`,
    },
    {
      // The association of the county's parish and town councils.
      key: 'warwickshire-association-of-local-councils',
      kind: 'other_public_body',
      name: 'Warwickshire Association of Local Councils',
      source: `${WARKS_SEED} §1.1; §5.1 q) "the third tier through Parish and Town Councils"`,
    },
    {
      // Recorded as voluntary sector: an infrastructure consortium, not a public body.
      key: 'coventry-and-warwickshire-infrastructure-consortium',
      kind: 'voluntary',
      name: 'Coventry & Warwickshire Infrastructure Consortium',
      source: `${WARKS_SEED} §1.1`,
    },
    {
      key: 'warwickshire-public-services-board',
      kind: 'joint_committee',
      name: 'Warwickshire Public Services Board',
      source:
        `${WARKS_SEED} §2.3 "agreed the establishment of a new strategic Public Services Board for the ` +
        'County"; §5.1 c) "A new County Public Services Board"',
    },
  ],
  clusters: [],
  localities: [],
  // The pilots of §5.1 r), grouped as the seed groups them, plus the joint working of §5.1 g) and p).
  // The seed's "Shared Services" group is recorded as back office.
  serviceMenus: [
    {
      name: 'Place specific: management of the public realm',
      kind: 'front_line',
      lgsl: [
        582, // Street cleaning ("cleansing")
        709, // Parks and open space maintenance and landscaping ("grounds maintenance")
        557, // Road maintenance ("highway maintenance")
        524, // Household waste collection
        531, // Household waste disposal sites ("waste … disposal")
      ],
    },
    { name: 'Place specific: museum and heritage services', kind: 'front_line', lgsl: [620] },
    {
      name: 'People specific: Supporting People Programme',
      kind: 'front_line',
      lgsl: [107], // Sheltered and supported housing: LGSL has no "Supporting People" service
    },
    { name: 'People specific: revenues and benefits', kind: 'front_line', lgsl: [69, 57] },
    {
      name: 'People specific: environmental health and trading standards',
      kind: 'front_line',
      lgsl: [406, 403], // Food safety inspections (environmental health), Retail trading standards
    },
    {
      name: 'Shared services: inward investment marketing',
      kind: 'back_office',
      lgsl: [347], // Local economic development ("Active promotion of the area")
    },
    {
      name: 'Shared services: strategic land use, transport and economic regeneration planning',
      kind: 'back_office',
      lgsl: [
        599, // Statutory development plans
        493, // Transport policy
        823, // Regeneration projects
      ],
    },
    {
      name: 'Shared services: business support and collaborative procurement',
      kind: 'back_office',
      lgsl: [830], // Procurement policy
    },
    { name: 'Shared services: emergency planning', kind: 'back_office', lgsl: [703] },
    { name: 'Joint community safety team with the police', kind: 'front_line', lgsl: [870] },
    { name: 'Careers information, advice and guidance for adults', kind: 'front_line', lgsl: [887] },
  ],
  arrangements: warwickshireArrangements(),
};

// ---------------------------------------------------------------------------------------------------
// 2020 Vision — seed 004: Activist Group's report for the four councils, 20 November 2014; seed 002:
// West Oxfordshire District Council, Finance and Management Overview & Scrutiny, 15 July 2015.
// ---------------------------------------------------------------------------------------------------

const VISION_REPORT_SEED = '004_2ab9354ca58d4887.txt';
const VISION_WODC_SEED = '002_f7afd23be1ad2d36.txt';

const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';
const FOREST_OF_DEAN = 'E07000080';
const WEST_OXFORDSHIRE = 'E07000181';
const VISION_COUNCILS = [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN, WEST_OXFORDSHIRE];

/** The date of the Activist report: before the venture each council delivers its services itself. */
const VISION_REPORT = '2014-11-20';
/** The West Oxfordshire committee that considered the services to be initially retained. */
const VISION_WODC_COMMITTEE = '2015-07-15';
/** Table 7.4 "Go-live of new arrangements: April 2016": only the month is given. */
const VISION_GO_LIVE = '2016-04-01';
const GO_LIVE_NOTE = `${VISION_REPORT_SEED} Table 7.4 "Go-live of new arrangements: April 2016" (only the month is given: 1 April 2016 used)`;

const JOINT_COMMITTEE = '2020-vision-joint-committee';

const RETAINED_BY_COUNCIL = 'All decisions on the service, taken solely by the council (a retained service)';
const RETAINED_STAFFING = 'Structures, staffing levels and service levels, set with its Head of Paid Service';
const NO_TRANSFER_WITHOUT_APPROVAL =
  "Any further transfer of the service (none without the council's specific approval)";
const SOVEREIGN_POLICY = 'Matters of policy over which the council keeps independent decision-making';
const ROUTINE_DELEGATED = 'Routine operations and minor policy issues, standardised across the partners';
const BUSINESS_PLAN_DELEGATED = 'The business plan for the shared service, agreed by the Joint Committee';
const LOCAL_PLANNING_DECISIONS = 'Local planning decisions (a red line)';
const STRATEGIC_PLANNING = 'Strategic planning policy and the local planning framework (a red line)';
const PARKING_CHARGES = 'Car parking charges (a red line)';

/**
 * West Oxfordshire's retained services, exactly as seed 002 §3.35 lists them ("The service areas with
 * the highest scores to retain"), each mapped to the nearest LGSL service by label.
 */
const WEST_OXFORDSHIRE_RETAINED: Array<{
  item: string;
  lgsl: number;
  kind: DemoServiceMenu['kind'];
  reserved: string[];
}> = [
  { item: 'Press and Media', lgsl: 822, kind: 'back_office', reserved: [] }, // Media and publicity protocols
  { item: 'Planning Policy', lgsl: 494, kind: 'front_line', reserved: [STRATEGIC_PLANNING] }, // Local plans
  { item: 'Economic Development', lgsl: 347, kind: 'front_line', reserved: [] }, // Local economic development
  {
    item: 'Development Management',
    lgsl: 608, // Development control
    kind: 'front_line',
    reserved: [LOCAL_PLANNING_DECISIONS],
  },
  {
    item: 'Client Management – Car Parking',
    lgsl: 478, // Council car parks
    kind: 'front_line',
    reserved: [PARKING_CHARGES, 'Client management of the service'],
  },
  {
    item: 'Client Management – Waste and Recycling',
    lgsl: 524, // Household waste collection: the council keeps the client role
    kind: 'front_line',
    reserved: ['Client management of the service'],
  },
  {
    item: 'Client Management – Leisure',
    lgsl: 451, // Sports facilities (judgement: the leisure centres are the client-managed service)
    kind: 'front_line',
    reserved: ['Client management of the service'],
  },
  { item: 'Community Safety', lgsl: 870, kind: 'front_line', reserved: [] }, // Community safety
  {
    item: 'Community Support and Liaison',
    lgsl: 366, // Community engagement (judgement: "a link between local people … and decision makers")
    kind: 'front_line',
    reserved: [],
  },
  { item: 'Tourism Support and Strategy', lgsl: 622, kind: 'front_line', reserved: [] }, // Support for tourism businesses
  {
    item: 'Housing Strategy',
    lgsl: 868, // Social housing policy (judgement: "the needs, resources, options and priorities for housing")
    kind: 'front_line',
    reserved: [],
  },
  {
    item: 'Democratic Services',
    lgsl: 354, // Minutes, agendas and reports (judgement: committee administration)
    kind: 'back_office',
    reserved: [],
  },
  {
    item: 'Elections',
    lgsl: 362, // Voting (judgement: "providing facilities for voting and counting and declaring results")
    kind: 'front_line',
    reserved: [],
  },
];

/**
 * Services shared through the venture from go-live. Public Protection was "already … agreed for broader
 * sharing"; the others are the services with "a strong case for sharing … early" (002 §3.35), applied to
 * all four councils. ICT, GO Shared Services (finance and HR) and "Customer Services" have no LGSL
 * service and are left out, as is the legal half of "Legal and Property": the nearest label, 676 "Legal
 * advice", is advice to the public, not a council's own legal service.
 *
 * Appendix A lets each Head of Paid Service act as Lead Commissioner "for a number of Partnership
 * Venture shared services"; the seeds name none, so the demo assigns them in turn across the councils.
 */
const VISION_SHARED: Array<{
  area: string;
  lgsl: number;
  kind: DemoServiceMenu['kind'];
  leadCommissioner: string;
  reserved: string[];
}> = [
  { area: 'Public Protection', lgsl: 406, kind: 'front_line', leadCommissioner: CHELTENHAM, reserved: [] }, // Food safety inspections
  { area: 'Public Protection', lgsl: 412, kind: 'front_line', leadCommissioner: CHELTENHAM, reserved: [] }, // Noise pollution
  { area: 'Building Control', lgsl: 499, kind: 'front_line', leadCommissioner: COTSWOLD, reserved: [] },
  {
    area: 'Planning Administration',
    lgsl: 516, // Planning decision notices (judgement: the administrative side of planning)
    kind: 'front_line',
    leadCommissioner: FOREST_OF_DEAN,
    reserved: [LOCAL_PLANNING_DECISIONS],
  },
  {
    area: 'Corporate Planning and Performance Management',
    lgsl: 725, // Performance measurement and reporting
    kind: 'back_office',
    leadCommissioner: WEST_OXFORDSHIRE,
    reserved: [],
  },
  {
    area: 'Legal and Property',
    lgsl: 821, // Estates management (the property half; LGSL has no council legal service)
    kind: 'back_office',
    leadCommissioner: CHELTENHAM,
    reserved: [],
  },
];

/** Seed 002 §3.36: "could have shared management but a more extensive shared service may need to be at a latter phase". */
const VISION_SHARED_MANAGEMENT: Array<{ item: string; lgsl: number; leadCommissioner: string }> = [
  { item: "Revenue's and Benefits", lgsl: 69, leadCommissioner: COTSWOLD }, // Housing benefit new claim
  { item: 'Housing Allocations and Homelessness', lgsl: 112, leadCommissioner: FOREST_OF_DEAN }, // Homelessness support
];

/**
 * The other three councils' own position is not in the seeds; they keep the red-line policy areas of
 * 004 §1.40 and the services §1.47 suggests for retention.
 */
const VISION_RED_LINES: Array<{ lgsl: number; reserved: string[]; source: string }> = [
  {
    lgsl: 494, // Local plans
    reserved: [STRATEGIC_PLANNING],
    source: `${VISION_REPORT_SEED} §1.40 "Strategic planning policy"; §1.47 "strategic planning advice"`,
  },
  {
    lgsl: 608, // Development control
    reserved: [LOCAL_PLANNING_DECISIONS],
    source: `${VISION_REPORT_SEED} §1.40 "Local planning decisions: members are keen to ensure that they continue to be able to take decisions"`,
  },
  {
    lgsl: 478, // Council car parks
    reserved: [PARKING_CHARGES],
    source: `${VISION_REPORT_SEED} §1.40 "Parking policies: each authority takes a different approach to the setting of car parking charges"`,
  },
  {
    lgsl: 354, // Minutes, agendas and reports
    reserved: ["The council's decision-making, scrutiny and governance arrangements"],
    source: `${VISION_REPORT_SEED} §1.46 retained statutory posts support "decision-making, scrutiny and governance"; §1.47 "democratic services"`,
  },
];

function visionArrangements(): DemoArrangement[] {
  const rows: DemoArrangement[] = [];
  const beforeVenture =
    `${VISION_REPORT_SEED} report of 20 November 2014, before the partnership venture: each council ` +
    'delivers the service itself';

  for (const retained of WEST_OXFORDSHIRE_RETAINED) {
    rows.push(
      row({
        member: WEST_OXFORDSHIRE,
        lgsl: retained.lgsl,
        validFrom: VISION_WODC_COMMITTEE,
        mode: 'retained',
        level: 'district',
        provider: WEST_OXFORDSHIRE,
        area: WEST_OXFORDSHIRE,
        reserved: [RETAINED_BY_COUNCIL, RETAINED_STAFFING, ...retained.reserved],
        source:
          `${VISION_WODC_SEED} §3.35 "The service areas with the highest scores to retain": "${retained.item}"; ` +
          `Appendix A "All decisions relating to retained functions and services will be taken solely by that ` +
          `Council"; ${VISION_REPORT_SEED} Recommendation 5.3`,
      }),
    );
  }

  for (const council of VISION_COUNCILS) {
    for (const shared of VISION_SHARED) {
      rows.push(
        row({
          member: council,
          lgsl: shared.lgsl,
          validFrom: VISION_REPORT,
          mode: 'retained',
          level: 'district',
          provider: council,
          area: council,
          source: beforeVenture,
        }),
        row({
          member: council,
          lgsl: shared.lgsl,
          validFrom: VISION_GO_LIVE,
          mode: 'shared_venture',
          level: 'district',
          provider: JOINT_COMMITTEE,
          leadCommissioner: shared.leadCommissioner,
          area: council,
          reserved: [NO_TRANSFER_WITHOUT_APPROVAL, SOVEREIGN_POLICY, ...shared.reserved],
          delegated: [ROUTINE_DELEGATED, BUSINESS_PLAN_DELEGATED],
          source:
            `${VISION_WODC_SEED} §3.35 ` +
            (shared.area === 'Public Protection'
              ? '"ICT and Public Protection which have already been agreed for broader sharing"'
              : `"a strong case for sharing a number of services early": "${shared.area}"`) +
            `; shared through the venture under the joint committee (${VISION_REPORT_SEED} Recommendation ` +
            `6.1); decisions per Recommendation 5.3 and Principle 5.3; lead commissioner: demo assignment; ` +
            GO_LIVE_NOTE,
        }),
      );
    }
  }

  for (const shared of VISION_SHARED_MANAGEMENT) {
    rows.push(
      row({
        member: WEST_OXFORDSHIRE,
        lgsl: shared.lgsl,
        validFrom: VISION_REPORT,
        mode: 'retained',
        level: 'district',
        provider: WEST_OXFORDSHIRE,
        area: WEST_OXFORDSHIRE,
        source: beforeVenture,
      }),
      row({
        member: WEST_OXFORDSHIRE,
        lgsl: shared.lgsl,
        validFrom: VISION_GO_LIVE,
        mode: 'shared_venture',
        level: 'district',
        provider: JOINT_COMMITTEE,
        leadCommissioner: shared.leadCommissioner,
        area: WEST_OXFORDSHIRE,
        reserved: [
          NO_TRANSFER_WITHOUT_APPROVAL,
          SOVEREIGN_POLICY,
          'Whether to move to a more extensive shared service at a later phase',
        ],
        delegated: ['Management of the service by a shared manager'],
        source:
          `${VISION_WODC_SEED} §3.36 "${shared.item}": "could have shared management but a more extensive ` +
          'shared service may need to be at a latter phase"; Appendix A "Partnership Venture – Any ' +
          `Service/function with a shared manager involving three or more partners"; ${GO_LIVE_NOTE}`,
      }),
    );
  }

  for (const council of [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN]) {
    for (const redLine of VISION_RED_LINES) {
      rows.push(
        row({
          member: council,
          lgsl: redLine.lgsl,
          validFrom: VISION_REPORT,
          mode: 'retained',
          level: 'district',
          provider: council,
          area: council,
          reserved: [RETAINED_BY_COUNCIL, ...redLine.reserved],
          source: `${redLine.source}; ${VISION_REPORT_SEED} Potential Principles 5.5 "retain in-house those services that they consider to be unique or of key strategic importance"`,
        }),
      );
    }
  }
  return rows;
}

const VISION_2020: DemoPartnership = {
  slug: '2020-vision',
  name: '2020 Vision',
  summary:
    'Cheltenham, Cotswold, Forest of Dean and West Oxfordshire, four district councils under two ' +
    'different counties, sharing services through a partnership venture under a joint committee, with ' +
    'a company as the later option. Each council decides which services it retains, no service moves ' +
    'without its approval, and the costs of shared services are recharged on an agreed distribution.',
  seed: [VISION_REPORT_SEED, VISION_WODC_SEED],
  // Gloucestershire (E10000013) and Oxfordshire (E10000025) are not partners.
  members: VISION_COUNCILS.map((gss) => ({ gss, role: 'member' as const })),
  otherBodies: [
    {
      key: JOINT_COMMITTEE,
      kind: 'joint_committee',
      name: '2020 Vision Joint Committee',
      source:
        `${VISION_WODC_SEED} §3.1 "a shared services partnership venture … managed by a joint committee ` +
        `operating under a Memorandum of Understanding"; ${VISION_REPORT_SEED} §1.63, Recommendation 6.1`,
    },
    {
      // The seeds describe the company but do not give it a name; this is a description, not a name.
      key: '2020-vision-company',
      kind: 'company',
      name: '2020 Vision partnership venture company (jointly owned Teckal company)',
      source:
        `${VISION_WODC_SEED} §3.25 "a jointly owned Teckal Company"; ${VISION_REPORT_SEED} §1.55 "proceed ` +
        'to a Teckal company model", Table 7.4 "Confirm whether to retain joint committee or move to company structure"',
    },
    {
      key: 'ubico',
      kind: 'company',
      name: 'Ubico',
      source: `${VISION_REPORT_SEED} §1.53 partnership models "tried, tested and trusted already among the partner authorities (eg GO Shard Services, South West Audit Partnership and Ubico)"`,
    },
  ],
  clusters: [],
  localities: [],
  serviceMenus: [
    { name: 'Agreed for broader sharing: Public Protection', kind: 'front_line', lgsl: [406, 412] },
    ...(['front_line', 'back_office'] as const).map((kind) => ({
      name: 'Strong case for early sharing',
      kind,
      lgsl: VISION_SHARED.filter((s) => s.area !== 'Public Protection' && s.kind === kind).map((s) => s.lgsl),
    })),
    {
      name: 'Shared management first, fuller sharing later',
      kind: 'front_line',
      lgsl: VISION_SHARED_MANAGEMENT.map((s) => s.lgsl),
    },
    ...(['front_line', 'back_office'] as const).map((kind) => ({
      name: 'Highest scores to retain',
      kind,
      lgsl: WEST_OXFORDSHIRE_RETAINED.filter((r) => r.kind === kind).map((r) => r.lgsl),
    })),
  ],
  arrangements: visionArrangements(),
};

// ---------------------------------------------------------------------------------------------------
// Transforming Lancashire — seed 003: a Lancashire district's report on "Transforming Local Government
// in Lancashire", the proposals submitted to the Secretary of State on 23 January 2007.
// ---------------------------------------------------------------------------------------------------

const LANCS_SEED = '003_ff7d1b8a28a9943e.txt';

const LANCASHIRE = 'E10000017';
const LANCS_DISTRICTS = [
  'E07000117', // Burnley
  'E07000118', // Chorley
  'E07000119', // Fylde
  'E07000120', // Hyndburn
  'E07000121', // Lancaster
  'E07000122', // Pendle
  'E07000123', // Preston
  'E07000124', // Ribble Valley
  'E07000125', // Rossendale
  'E07000126', // South Ribble
  'E07000127', // West Lancashire
  'E07000128', // Wyre
];
const BLACKBURN_WITH_DARWEN = 'E06000008';
const BLACKPOOL = 'E06000009';

/** "This was reported to the Council meeting of 19th December 2006" (§3.2). */
const LANCS_REPORTED = '2006-12-19';
/** The document was "submitted to Ruth Kelly, Secretary of State … on 23rd January 2007" (§3.3). */
const LANCS_SUBMITTED = '2007-01-23';
const LANCS_PROPOSAL = `proposal submitted on 23 January 2007 (${LANCS_SEED} §3.3)`;
const BEFORE_PROPOSALS = `${LANCS_SEED} §3.2 reported to Council on 19 December 2006, before the proposals: each council delivers it itself`;

/**
 * Annexe 1 (front-line) and Appendix 2 (back-office) of the seed, one menu per service area, with the
 * seed's own names. LGSL has no service for a council's own ICT, so ICT has no codes and is left out;
 * "theatres" has no LGSL service either.
 */
const LANCS_MENUS: DemoServiceMenu[] = [
  {
    name: 'Highways/Street Scene',
    kind: 'front_line',
    lgsl: [
      557, // Road maintenance
      582, // Street cleaning
    ],
  },
  {
    name: 'Public Regulation (Building Control, Environmental Health, Trading Standards, licensing)',
    kind: 'front_line',
    lgsl: [
      499, // Building control
      406, // Food safety inspections (environmental health)
      403, // Retail trading standards
      860, // Premises licence (licensing)
    ],
  },
  {
    name: 'Libraries, leisure centres, theatres, Museums and arts development',
    kind: 'front_line',
    lgsl: [
      437, // Library facilities
      451, // Sports facilities (leisure centres)
      620, // Museums and galleries
      884, // Arts development
    ],
  },
  {
    name: 'Waste Partnership',
    kind: 'front_line',
    lgsl: [
      524, // Household waste collection
      1130, // Residential recycling collections
    ],
  },
  {
    name: 'Children and Young People',
    kind: 'front_line',
    lgsl: [
      642, // Activities for children and young people
      53, // Children's centres
      897, // Extended schools ("extended services through schools")
    ],
  },
  {
    name: 'Strategic Housing and Supporting People',
    kind: 'front_line',
    lgsl: [
      868, // Social housing policy (judgement: strategic housing)
      107, // Sheltered and supported housing (judgement: LGSL has no "Supporting People" service)
      137, // Disabled facilities grant ("major adaptations provided by the District")
      178, // Home adaptations and aids ("minor adaptations provided by the County")
    ],
  },
  { name: 'Planning/Development Control', kind: 'front_line', lgsl: [608] }, // Development control
  {
    name: 'Revenues, Benefits, Council Tax Collection',
    kind: 'front_line',
    lgsl: [
      57, // Council tax annual notification
      54, // Business rates annual notification ("NNDR")
      69, // Housing benefit new claim
      726, // Benefit fraud ("anti-fraud initiatives")
    ],
  },
  { name: 'Welfare Rights and Advice Services', kind: 'front_line', lgsl: [189] }, // Welfare rights advice
  {
    name: 'Economic Development',
    kind: 'front_line',
    lgsl: [
      347, // Local economic development
      823, // Regeneration projects ("economic development/regeneration activity")
    ],
  },
  {
    // LGSL has no customer-access service; these are the nearest labels: council offices and their
    // opening hours, and the council website.
    name: 'Customer Access ie One Stop Shops (OSS), Telephone & website access',
    kind: 'front_line',
    lgsl: [
      1413, // Civic buildings
      853, // Accessibility of Web sites
    ],
  },
  {
    name: 'Asset Management',
    kind: 'back_office',
    lgsl: [
      821, // Estates management
      592, // Property register
    ],
  },
  {
    name: 'Market Research, Consultation, Neighbourhood and Community Engagement and PR',
    kind: 'back_office',
    lgsl: [
      653, // Customer satisfaction surveys ("Market Research", "BVPI surveys")
      867, // Service delivery consultation
      366, // Community engagement
      822, // Media and publicity protocols (PR)
      659, // Publications ("joint publications")
    ],
  },
  {
    // Judgement: LGSL has no code for a council's own legal service; 676 "Legal advice" is the nearest
    // label (its description is advice to the public).
    name: 'Legal Services',
    kind: 'back_office',
    lgsl: [676],
  },
  { name: 'Performance Improvement', kind: 'back_office', lgsl: [725] }, // Performance measurement and reporting
  {
    name: 'Human Resources',
    kind: 'back_office',
    lgsl: [337], // Current vacancies (judgement: "recruitment", the one HR process LGSL lists)
  },
  {
    name: 'Procurement',
    kind: 'back_office',
    lgsl: [
      830, // Procurement policy
      829, // Contracts management
    ],
  },
  {
    name: 'Some aspects of Finance (Ordering, Insurance, Creditors/Debtors and Internal Audit)',
    kind: 'back_office',
    lgsl: [
      369, // Approved suppliers (judgement: "Ordering")
      1137, // Civic liability (judgement: "Insurance")
      1520, // Debt enforcement (judgement: "Debtors")
    ],
  },
];

function lancashireArrangements(): DemoArrangement[] {
  const rows: DemoArrangement[] = [];

  // Districts' services delivered county-wide, the County Council being the one partner that covers every
  // district. The seed proposes county-wide or county/multi-district working but names no host.
  const countyWide: Array<{
    lgsl: number;
    /** Recorded as delivered by each district before the proposals. */
    history: boolean;
    /** The County Council delivers the service for itself too, and hosts it for the districts. */
    countyToo: boolean;
    reserved: string[];
    delegated: string[];
    source: string;
  }> = [
    {
      lgsl: 137, // Disabled facilities grant
      history: true,
      countyToo: false,
      reserved: [
        'Its policies and assessment processes for vulnerable clients (harmonisation sought, not imposed)',
      ],
      delegated: [
        'Delivery of disabled adaptations county-wide, with one definition of major and minor adaptations',
      ],
      source:
        `${LANCS_SEED} Annexe 1 Strategic Housing and Supporting People: "Explore County wide delivery of ` +
        'disabled adaptations including e.g. securing consistency on the definition of major adaptations ' +
        'provided by the District and minor adaptations provided by the County"',
    },
    {
      lgsl: 725, // Performance measurement and reporting
      history: true,
      countyToo: true,
      reserved: [],
      delegated: ['The shared (joint) improvement plan, with dedicated resources to districts'],
      source:
        `${LANCS_SEED} Appendix 2 Performance Improvement: "Production of a shared (joint) improvement plan ` +
        'with dedicated resources to districts. Pooling of resources between authorities"',
    },
    {
      lgsl: 189, // Welfare rights advice
      history: true,
      countyToo: true,
      reserved: ['Locality considerations in the advice it funds'],
      delegated: [
        'Identifying advice needs and co-ordinating advice funding and delivery on a Lancashire basis',
      ],
      source:
        `${LANCS_SEED} Annexe 1 Welfare Rights and Advice Services: "County Council, District Councils and ` +
        'the Legal Services Commission to work together to identify advice needs on a Lancashire basis, then ' +
        'co-ordinate the funding and delivery of advice service accordingly"',
    },
    {
      lgsl: 337, // Current vacancies (recruitment)
      history: false,
      countyToo: false,
      reserved: ['Strategic HR (retained locally)'],
      delegated: ['Transactional recruitment processes'],
      source:
        `${LANCS_SEED} Appendix 2 Human Resources: "Strategic HR retained locally. Explore specialist areas ` +
        'and transactional/administrative processes ideal for sharing e.g. recruitment, payroll"',
    },
  ];

  for (const service of countyWide) {
    if (service.countyToo) {
      rows.push(
        row({
          member: LANCASHIRE,
          lgsl: service.lgsl,
          validFrom: LANCS_SUBMITTED,
          mode: 'retained',
          level: 'county_wide',
          provider: LANCASHIRE,
          area: LANCASHIRE,
          source: `${service.source}; the County Council hosts the county-wide service; ${LANCS_PROPOSAL}`,
        }),
      );
    }
    for (const district of LANCS_DISTRICTS) {
      if (service.history) {
        rows.push(
          row({
            member: district,
            lgsl: service.lgsl,
            validFrom: LANCS_REPORTED,
            mode: 'retained',
            level: 'district',
            provider: district,
            area: district,
            source: BEFORE_PROPOSALS,
          }),
        );
      }
      rows.push(
        row({
          member: district,
          lgsl: service.lgsl,
          validFrom: LANCS_SUBMITTED,
          mode: 'joint_team',
          level: 'county_wide',
          provider: LANCASHIRE,
          area: LANCASHIRE,
          reserved: service.reserved,
          delegated: service.delegated,
          source: `${service.source} (host: demo choice, the County Council); ${LANCS_PROPOSAL}`,
        }),
      );
    }
  }

  // The County Council's own services brought to district level.
  rows.push(
    row({
      member: LANCASHIRE,
      lgsl: 557, // Road maintenance
      validFrom: LANCS_REPORTED,
      mode: 'retained',
      level: 'county_wide',
      provider: LANCASHIRE,
      area: LANCASHIRE,
      source: BEFORE_PROPOSALS,
    }),
    row({
      member: LANCASHIRE,
      lgsl: 557,
      validFrom: LANCS_SUBMITTED,
      mode: 'retained',
      level: 'district',
      provider: LANCASHIRE,
      reserved: ['Road Safety and other strategic or specialist highways functions (kept at county level)'],
      delegated: ['Local highways and street scene management under a single local manager in each district'],
      source:
        `${LANCS_SEED} Annexe 1 Highways/Street Scene: "Greater local influence/control at a local level not ` +
        'necessarily local delivery … brought together at a District/local level with a single local manager. ' +
        `Some strategic/specialist highways functions may remain at the County level eg Road Safety"; ${LANCS_PROPOSAL}`,
    }),
    row({
      member: LANCASHIRE,
      lgsl: 437, // Library facilities
      validFrom: LANCS_REPORTED,
      mode: 'retained',
      level: 'county_wide',
      provider: LANCASHIRE,
      area: LANCASHIRE,
      source: BEFORE_PROPOSALS,
    }),
    row({
      member: LANCASHIRE,
      lgsl: 437,
      validFrom: LANCS_SUBMITTED,
      mode: 'retained',
      level: 'district',
      provider: LANCASHIRE,
      delegated: ['Local management of libraries in each district'],
      source:
        `${LANCS_SEED} Annexe 1 Libraries, leisure centres, theatres, Museums and arts development: ` +
        `"Libraries and leisure centres have predominantly a local catchment and are best managed locally"; ${LANCS_PROPOSAL}`,
    }),
    row({
      member: LANCASHIRE,
      lgsl: 178, // Home adaptations and aids
      validFrom: LANCS_SUBMITTED,
      mode: 'retained',
      level: 'county_wide',
      provider: LANCASHIRE,
      area: LANCASHIRE,
      source: `${LANCS_SEED} Annexe 1 Strategic Housing and Supporting People: "minor adaptations provided by the County"; ${LANCS_PROPOSAL}`,
    }),
  );
  return rows;
}

const TRANSFORMING_LANCASHIRE: DemoPartnership = {
  slug: 'transforming-lancashire',
  name: 'Transforming Lancashire',
  summary:
    'Lancashire County Council and its twelve districts, with the two unitary councils engaged, working ' +
    'from a menu of front-line and back-office services with development proposals, a locality plan for ' +
    'each district, and shared performance improvement.',
  seed: [LANCS_SEED],
  members: [
    ...[LANCASHIRE, ...LANCS_DISTRICTS].map((gss) => ({ gss, role: 'member' as const })),
    // "Engagement with unitary councils" (§4.1); the way forward "broadens the current Enhanced Two Tier
    // agenda to ensure that the two unitary authorities are full partners" (§5.1): not yet full partners.
    { gss: BLACKBURN_WITH_DARWEN, role: 'associate' },
    { gss: BLACKPOOL, role: 'associate' },
  ],
  otherBodies: [
    {
      key: 'legal-services-commission',
      kind: 'other_public_body',
      name: 'Legal Services Commission',
      source: `${LANCS_SEED} Annexe 1 Welfare Rights and Advice Services: "County Council, District Councils and the Legal Services Commission to work together"`,
    },
    {
      key: 'north-west-improvement-network',
      kind: 'other_public_body',
      name: 'North West Improvement Network',
      source: `${LANCS_SEED} §4.3 "the work of the North West Improvement Network providing learning and development to Members and Officers"; §6.1 "£54k funding from NWIN"`,
    },
  ],
  clusters: [],
  localities: [],
  serviceMenus: LANCS_MENUS,
  arrangements: lancashireArrangements(),
};

export const DEMO_PARTNERSHIPS: readonly DemoPartnership[] = [
  INTEGRATED_DEVON,
  WARWICKSHIRE_WAY,
  VISION_2020,
  TRANSFORMING_LANCASHIRE,
];
