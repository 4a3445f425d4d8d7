/**
 * Holds the demo data to the real reference files: councils from the authority hierarchy, services
 * from the LGSL lists, and arrangements that resolve, date and read as the register expects.
 */
import { areaCodeFor } from '../geography/areas.import.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { isIsoDate } from '../platform/dates.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';
import { DEMO_PARTNERSHIPS, type DemoPartnership } from './partnerships.ts';

const DATA_DIR =
  process.env.JOINTLY_REFERENCE_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');

function readCsv(file: string): Array<Record<string, string>> {
  return parse(readFileSync(path.join(DATA_DIR, file)), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
}

const councils = new Map(
  readCsv('authorities/derived_england_council_hierarchy.csv').map((r) => [r.gss_code!, r] as const),
);
const lgslDerived = new Map(
  readCsv('services/derived_lgsl_services_with_govuk_tier.csv').map((r) => [Number(r.lgsl_code), r] as const),
);
const lgslEsd = new Map(
  readCsv('services/esd_lgsl_english_welsh_services.csv').map((r) => [Number(r.Identifier), r] as const),
);

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const GSS = /^E\d{8}$/;

const bySlug = (slug: string): DemoPartnership => {
  const p = DEMO_PARTNERSHIPS.find((x) => x.slug === slug);
  assert.ok(p, `no demo partnership "${slug}"`);
  return p;
};
const countyAndDistricts = (countyGss: string): string[] => [
  countyGss,
  ...[...councils.values()].filter((c) => c.parent_county_gss_code === countyGss).map((c) => c.gss_code!),
];
const sorted = (values: Iterable<string>) => [...values].sort();
const membersWithRole = (p: DemoPartnership, role: 'member' | 'associate') =>
  sorted(p.members.filter((m) => m.role === role).map((m) => m.gss));

describe('demo partnerships', () => {
  it('has the four seed partnerships with valid, distinct slugs', () => {
    assert.deepEqual(sorted(DEMO_PARTNERSHIPS.map((p) => p.slug)), [
      '2020-vision',
      'integrated-devon',
      'transforming-lancashire',
      'warwickshire-way',
    ]);
    for (const p of DEMO_PARTNERSHIPS) {
      assert.match(p.slug, SLUG);
      assert.ok(p.name.length > 0 && p.summary.length > 0, p.slug);
      assert.ok(p.seed.length > 0, `${p.slug} names its seed`);
      for (const seed of p.seed) assert.match(seed, /^\d{3}_[0-9a-f]{16}\.txt$/);
    }
  });

  it('uses only current councils from the hierarchy file, each once', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const gss = p.members.map((m) => m.gss);
      assert.equal(new Set(gss).size, gss.length, `${p.slug}: a council is listed twice`);
      for (const code of gss) assert.ok(councils.has(code), `${p.slug}: ${code} is not a current council`);
      for (const body of p.otherBodies) {
        if (body.gss !== undefined) {
          assert.ok(councils.has(body.gss), `${p.slug}: body ${body.key} has unknown GSS ${body.gss}`);
          assert.ok(!gss.includes(body.gss), `${p.slug}: ${body.gss} is both a member and a body`);
        }
      }
    }
  });

  it('gives partner bodies distinct keys that cannot be mistaken for GSS codes', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const keys = p.otherBodies.map((b) => b.key);
      assert.equal(new Set(keys).size, keys.length, `${p.slug}: duplicate body key`);
      for (const b of p.otherBodies) {
        assert.match(b.key, SLUG);
        assert.doesNotMatch(b.key, GSS);
        assert.ok(b.name.length >= 1 && b.name.length <= 200, b.key);
        assert.ok(b.source.length > 0, `${b.key} says where it comes from`);
      }
    }
  });

  it('makes Devon County and its 8 districts the members of Integrated Devon', () => {
    const expected = countyAndDistricts('E10000008');
    assert.equal(expected.length, 9);
    assert.deepEqual(membersWithRole(bySlug('integrated-devon'), 'member'), sorted(expected));
    assert.deepEqual(membersWithRole(bySlug('integrated-devon'), 'associate'), []);
  });

  it('makes Warwickshire County and its 5 districts the members of Warwickshire Way', () => {
    const p = bySlug('warwickshire-way');
    const expected = countyAndDistricts('E10000031');
    assert.equal(expected.length, 6);
    assert.deepEqual(membersWithRole(p, 'member'), sorted(expected));
    const kinds = new Set(p.otherBodies.map((b) => b.kind));
    for (const kind of ['police', 'nhs', 'probation'] as const) assert.ok(kinds.has(kind), kind);
    for (const b of p.otherBodies) assert.equal(b.gss, undefined, `${b.key} has no council GSS code`);
  });

  it('makes Lancashire County and its 12 districts members, and the 2 unitaries associates', () => {
    const p = bySlug('transforming-lancashire');
    const expected = countyAndDistricts('E10000017');
    assert.equal(expected.length, 13);
    assert.deepEqual(membersWithRole(p, 'member'), sorted(expected));
    assert.deepEqual(membersWithRole(p, 'associate'), ['E06000008', 'E06000009']);
    for (const gss of ['E06000008', 'E06000009']) {
      assert.equal(councils.get(gss)!.tier, 'unitary');
      assert.equal(councils.get(gss)!.region, 'North West');
    }
    assert.equal(councils.get('E06000008')!.short_name, 'Blackburn with Darwen');
    assert.equal(councils.get('E06000009')!.short_name, 'Blackpool');
  });

  it('makes the four districts, not their two counties, the members of 2020 Vision', () => {
    const p = bySlug('2020-vision');
    assert.deepEqual(membersWithRole(p, 'member'), ['E07000078', 'E07000079', 'E07000080', 'E07000181']);
    assert.deepEqual(membersWithRole(p, 'associate'), []);
    const counties = new Set(p.members.map((m) => councils.get(m.gss)!.parent_county_gss_code));
    assert.deepEqual(sorted(counties as Set<string>), ['E10000013', 'E10000025']);
    const everyCode = [
      ...p.members.map((m) => m.gss),
      ...p.otherBodies.map((b) => b.gss),
      ...p.arrangements.flatMap((a) => [a.member, a.provider, a.leadCommissioner, a.area]),
    ];
    for (const county of ['E10000013', 'E10000025']) assert.ok(!everyCode.includes(county), county);
    const kinds = p.otherBodies.map((b) => b.kind);
    assert.ok(kinds.includes('joint_committee') && kinds.includes('company'));
  });

  it('defines the four Devon clusters as the seed does, from member districts', () => {
    const devon = bySlug('integrated-devon');
    assert.deepEqual(
      devon.clusters.map((c) => [c.code, sorted(c.districtGss)]),
      [
        ['integrated-devon-east', ['E07000040', 'E07000042']],
        ['integrated-devon-south', ['E07000044', 'E07000045', 'E07000047']],
        ['integrated-devon-north', ['E07000043', 'E07000046']],
        ['integrated-devon-exeter', ['E07000041']],
      ],
    );
    const codes = DEMO_PARTNERSHIPS.flatMap((p) => p.clusters.map((c) => c.code));
    assert.equal(new Set(codes).size, codes.length, 'cluster codes are unique');
    for (const p of DEMO_PARTNERSHIPS) {
      const members = new Set(p.members.map((m) => m.gss));
      for (const c of p.clusters) {
        assert.match(c.code, SLUG);
        assert.doesNotMatch(c.code, GSS);
        assert.ok(c.districtGss.length > 0, c.code);
        for (const d of c.districtGss) {
          assert.ok(members.has(d), `${c.code}: ${d} is not a member of ${p.slug}`);
          assert.equal(councils.get(d)!.tier, 'district', `${c.code}: ${d} is a district`);
        }
      }
    }
  });

  it('uses only live LGSL services that exist in both service files', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const codes = [...p.serviceMenus.flatMap((m) => m.lgsl), ...p.arrangements.map((a) => a.lgsl)];
      for (const code of codes) {
        assert.ok(lgslDerived.has(code), `${p.slug}: LGSL ${code} is not in the derived services file`);
        assert.ok(lgslEsd.has(code), `${p.slug}: LGSL ${code} is not in the esd services file`);
        assert.equal(lgslDerived.get(code)!.status, 'Live', `${p.slug}: LGSL ${code} is discontinued`);
      }
    }
  });

  it('puts each service in at most one menu per partnership, with named menus', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const codes = p.serviceMenus.flatMap((m) => m.lgsl);
      assert.equal(new Set(codes).size, codes.length, `${p.slug}: a service is in two menus`);
      for (const m of p.serviceMenus) {
        assert.ok(m.name.length >= 1 && m.name.length <= 200, m.name);
        assert.ok(m.lgsl.length > 0, `${p.slug}: menu "${m.name}" has services`);
      }
    }
  });

  it("maps Lancashire's front-line and back-office menus from the seed", () => {
    const menus = bySlug('transforming-lancashire').serviceMenus;
    const names = (kind: 'front_line' | 'back_office') =>
      menus.filter((m) => m.kind === kind).map((m) => m.name);
    assert.deepEqual(names('front_line'), [
      'Highways/Street Scene',
      'Public Regulation (Building Control, Environmental Health, Trading Standards, licensing)',
      'Libraries, leisure centres, theatres, Museums and arts development',
      'Waste Partnership',
      'Children and Young People',
      'Strategic Housing and Supporting People',
      'Planning/Development Control',
      'Revenues, Benefits, Council Tax Collection',
      'Welfare Rights and Advice Services',
      'Economic Development',
      'Customer Access ie One Stop Shops (OSS), Telephone & website access',
    ]);
    // ICT, the seventh back-office area, has no LGSL service.
    assert.deepEqual(names('back_office'), [
      'Asset Management',
      'Market Research, Consultation, Neighbourhood and Community Engagement and PR',
      'Legal Services',
      'Performance Improvement',
      'Human Resources',
      'Procurement',
      'Some aspects of Finance (Ordering, Insurance, Creditors/Debtors and Internal Audit)',
    ]);
  });

  it('resolves every organisation and area an arrangement names', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const orgs = new Set([...p.members.map((m) => m.gss), ...p.otherBodies.map((b) => b.key)]);
      const localities = p.localities.map((l) => areaCodeFor(p.slug, l.kind, l.name));
      const areas = new Set([
        ...p.members.map((m) => m.gss),
        ...p.clusters.map((c) => c.code),
        ...localities,
      ]);
      const clusters = new Set(p.clusters.map((c) => c.code));
      const wider = { cluster: clusters, locality: new Set([...clusters, ...localities]) };
      for (const a of p.arrangements) {
        const where = `${p.slug} ${a.member} LGSL ${a.lgsl} from ${a.validFrom}`;
        assert.ok(orgs.has(a.member), `${where}: unknown member`);
        assert.ok(orgs.has(a.provider), `${where}: unknown provider ${a.provider}`);
        if (a.leadCommissioner !== undefined)
          assert.ok(orgs.has(a.leadCommissioner), `${where}: unknown lead commissioner`);
        if (a.area !== undefined) assert.ok(areas.has(a.area), `${where}: unknown area ${a.area}`);
        if (a.level === 'cluster' || a.level === 'locality')
          assert.ok(
            a.area !== undefined && wider[a.level].has(a.area),
            `${where}: a ${a.level} needs its cluster or locality`,
          );
      }
    }
  });

  it('records arrangements the register would accept', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      const seen = new Set<string>();
      for (const a of p.arrangements) {
        const where = `${p.slug} ${a.member} LGSL ${a.lgsl} from ${a.validFrom}`;
        assert.ok(isIsoDate(a.validFrom), `${where}: not a real date`);
        const key = `${a.member}:${a.lgsl}:${a.validFrom}:${a.area ?? ''}`;
        assert.ok(!seen.has(key), `${where}: two arrangements for one area from the same date`);
        seen.add(key);
        if (a.mode === 'retained') assert.equal(a.provider, a.member, `${where}: retained by itself`);
        else assert.notEqual(a.provider, a.member, `${where}: provided by someone else`);
        assert.notEqual(a.mode, 'devolved_parish', `${where}: the demo has no parish councils`);
        for (const list of [a.reserved, a.delegated]) {
          assert.ok(list.length <= 30, where);
          for (const d of list) assert.ok(d.trim().length > 0 && d.length <= 200, `${where}: "${d}"`);
        }
        const reserved = new Set(a.reserved.map((d) => d.trim().toLowerCase()));
        for (const d of a.delegated)
          assert.ok(!reserved.has(d.trim().toLowerCase()), `${where}: "${d}" both reserved and delegated`);
        assert.ok(
          p.seed.some((s) => a.source.includes(s)),
          `${where}: source names one of the partnership's seeds`,
        );
      }
    }
  });

  it('gives every member council arrangements, with some history in each partnership', () => {
    for (const p of DEMO_PARTNERSHIPS) {
      assert.ok(p.arrangements.length >= 30, `${p.slug}: ${p.arrangements.length} arrangements`);
      const arranged = new Set(p.arrangements.map((a) => a.member));
      for (const m of p.members.filter((x) => x.role === 'member'))
        assert.ok(arranged.has(m.gss), `${p.slug}: ${m.gss} has no arrangements`);
      assert.ok(new Set(p.arrangements.map((a) => a.lgsl)).size >= 5, `${p.slug}: a spread of services`);
      const retainedThenShared = p.arrangements.some(
        (a) =>
          a.mode !== 'retained' &&
          p.arrangements.some(
            (b) =>
              b.member === a.member &&
              b.lgsl === a.lgsl &&
              b.mode === 'retained' &&
              b.validFrom < a.validFrom,
          ),
      );
      assert.ok(retainedThenShared, `${p.slug}: a service retained and later shared`);
    }
  });

  it('shares 2020 Vision services through the joint committee from go-live, keeping sovereignty', () => {
    const p = bySlug('2020-vision');
    const shared = p.arrangements.filter((a) => a.mode === 'shared_venture');
    assert.ok(shared.length > 0);
    for (const a of shared) {
      assert.equal(a.provider, '2020-vision-joint-committee');
      assert.equal(a.validFrom, '2016-04-01');
      assert.ok(a.reserved.length > 0 && a.delegated.length > 0, `${a.member} LGSL ${a.lgsl}`);
    }
  });

  it('grants demo accounts only in partnerships their council belongs to', () => {
    const slugToGss = new Map([...councils.values()].map((c) => [c.gov_uk_slug!, c.gss_code!] as const));
    for (const account of DEMO_ACCOUNTS) {
      for (const grant of account.grants) {
        if (!grant.partnership) continue;
        const p = bySlug(grant.partnership);
        const gss = councils.has(grant.org) ? grant.org : slugToGss.get(grant.org);
        assert.ok(gss, `${account.email}: unknown council ${grant.org}`);
        assert.ok(
          p.members.some((m) => m.gss === gss),
          `${account.email}: ${grant.org} is not a member of ${p.slug}`,
        );
      }
    }
  });
});
