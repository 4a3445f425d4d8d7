import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import { silentProgress } from '../platform/import/progress.ts';
import { createGeographyService } from '../geography/geography.service.ts';
import { createResponsibleService } from '../register/responsible.service.ts';
import {
  createCasesService,
  dueDateFromServiceLevels,
  RESIDENT,
  linksFrom,
  parseReference,
} from '../frontdoor/index.ts';
import { loadDemoActivity } from './activity.ts';
import { SERVICE_LINKS_FILE, loadDemoServiceLinks } from './service-links.ts';

const DATA = path.resolve(process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');

describe('demo activity', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
  });
  after(() => database.close());

  const cases = () =>
    database.db
      .selectFrom('service_case as c')
      .innerJoin('organisation as o', 'o.org_id', 'c.org_id')
      .select([
        'c.reference',
        'c.lgsl_code',
        'c.postcode',
        'c.status',
        'c.opened_at',
        'c.due_at',
        'c.closed_at',
        'o.gss_code',
      ])
      .execute();

  it('gives the four partnerships a year of cases at their districts’ real postcodes', async () => {
    const rows = await cases();
    // 100 reports for each district and unitary council of the demo partnerships.
    const locals = await database.db
      .selectFrom('partnership_member as m')
      .innerJoin('organisation as o', 'o.org_id', 'm.org_id')
      .select('o.gss_code')
      .distinct()
      .where('m.role', 'in', ['member', 'associate'])
      .where('o.kind', '!=', 'county')
      .where('o.gss_code', 'is not', null)
      .execute();
    assert.equal(rows.length, locals.length * 100, `${rows.length} cases for ${locals.length} councils`);
    const yearAgo = Date.now() - 367 * 86_400_000;
    assert.ok(
      rows.every(
        (r) => new Date(r.opened_at).getTime() > yearAgo && new Date(r.opened_at).getTime() <= Date.now(),
      ),
    );
    const statuses = new Set(rows.map((r) => r.status));
    for (const s of ['fixed', 'investigating', 'duplicate'] as const) assert.ok(statuses.has(s), `some ${s}`);
    const open = rows.filter((r) => r.closed_at === null);
    assert.ok(
      open.some((r) => new Date(r.due_at!).getTime() < Date.now()),
      'some are overdue',
    );
    assert.ok(
      open.some((r) => new Date(r.due_at!).getTime() > Date.now()),
      'some are in time',
    );
    assert.equal(new Set(rows.map((r) => r.reference)).size, rows.length, 'references are unique');
  });

  it('routes every case to the council the register says is responsible', async () => {
    const geography = await createGeographyService(database.db);
    const responsible = createResponsibleService({ db: database.db, geography });
    const rows = await cases();
    for (const row of rows.filter((_, i) => i % 25 === 0)) {
      const answer = await responsible.find({ service: row.lgsl_code, postcode: row.postcode! });
      assert.equal(
        answer.responsible?.gss,
        row.gss_code,
        `${row.reference} ${row.postcode} LGSL ${row.lgsl_code}`,
      );
    }
  });

  it('loads nothing a second time, and new cases carry on each council’s numbering', async () => {
    const before = (await cases()).length;
    const geography = await createGeographyService(database.db);
    const responsible = createResponsibleService({ db: database.db, geography });
    assert.equal(await loadDemoActivity(database.db, responsible, silentProgress), 0);
    assert.equal((await cases()).length, before);
    const service = createCasesService({ db: database.db, responsible, dueDate: dueDateFromServiceLevels });
    const opened = await service.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Bin not collected.',
      channel: 'web',
    });
    assert.ok(opened.outcome === 'opened');
    const made = parseReference(opened.case.reference)!;
    assert.equal(made.prefix, 'EXE');
    const earlier = (await cases())
      .filter((r) => r.reference !== opened.case.reference)
      .map((r) => parseReference(r.reference)!)
      .filter((p) => p.prefix === made.prefix && p.year === made.year)
      .map((p) => p.number);
    assert.equal(made.number, Math.max(0, ...earlier) + 1);
    assert.notEqual(opened.case.dueAt, null, 'the demo gives Exeter a target for household waste');
  });

  it('gives each demo council its real links from GOV.UK’s 2017 list, and adds nothing a second time', async () => {
    const exeter = await database.db
      .selectFrom('service_information as i')
      .innerJoin('organisation as o', 'o.org_id', 'i.org_id')
      .select(['i.lgsl_code', 'i.links', 'i.summary', 'i.fees'])
      .where('o.jurisdiction', '=', 'exeter')
      .execute();
    // The file's Exeter rows name 16 services (some with several links); each is one row here.
    const file = await readFile(path.join(DATA, SERVICE_LINKS_FILE), 'utf8');
    const exeterCodes = new Set(
      file
        .split('\n')
        .filter((line) => line.startsWith('exeter,'))
        .map((line) => Number(line.split(',').at(-2))),
    );
    assert.equal(exeter.length, exeterCodes.size);
    const vehicles = exeter.find((r) => r.lgsl_code === 372);
    assert.deepEqual(linksFrom(vehicles?.links), [
      {
        text: 'Reporting (GOV.UK’s link, 2017)',
        href: 'http://www.exeter.gov.uk/index.aspx?articleid=10399',
      },
    ]);
    assert.ok(
      exeter.every((r) => r.summary === '' && r.fees === ''),
      'no fees or policy are made up',
    );
    const elsewhere = await database.db
      .selectFrom('service_information as i')
      .innerJoin('organisation as o', 'o.org_id', 'i.org_id')
      .select('i.org_id')
      .where('o.jurisdiction', '=', 'leicester')
      .execute();
    assert.deepEqual(elsewhere, [], 'councils outside the demo partnerships get nothing');
    assert.equal(await loadDemoServiceLinks(database.db, DATA, silentProgress), 0);
  });
});
