/**
 * The arrangement form states every limit on its field and never cuts what was typed: a note over
 * its limit comes back whole with a message that names the field, and nothing is saved.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import {
  buildTestApp,
  getPage,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { parseArrangementForm } from './arrangement.form.ts';

const PASSWORD = 'a long enough password for tests';

const FORM = {
  lgslCode: '524',
  'validFrom-day': '1',
  'validFrom-month': '4',
  'validFrom-year': '2026',
  mode: 'retained',
  level: 'district',
  reservedDecisions: '',
  delegatedDecisions: '',
};

describe('parseArrangementForm', () => {
  it('keeps every field whole, however long', () => {
    const notes = 'n'.repeat(10_000);
    const decisions = Array.from({ length: 40 }, (_, i) => `Decision ${i} ${'d'.repeat(300)}`).join('\n');
    const { values } = parseArrangementForm(
      { ...FORM, providerOrgId: '1', notes, reservedDecisions: decisions },
      1,
    );
    assert.equal(values.notes, notes);
    assert.equal(values.reservedDecisions, decisions);
  });
});

describe('the arrangement form', () => {
  let database: Database;
  let app: FastifyInstance;
  let officer: Session;
  let exeter: number;
  const count = async () =>
    Number(
      (
        await database.db
          .selectFrom('arrangement')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const built = await buildTestApp(database);
    app = built.app;
    exeter = (await orgIdsBySlug(database.db, ['exeter'])).exeter!;
    await built.services.auth.createAccount({
      email: 'officer.exeter@example.org',
      displayName: 'Sam Officer',
      password: PASSWORD,
      grants: [{ orgId: exeter, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    officer = await signIn(app, 'officer.exeter@example.org', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('states the limits on the fields', async () => {
    const page = await getPage(app, '/organisations/exeter/arrangements/new?service=524', officer);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-maxlength="2000"/);
    assert.match(page.body, /You can enter up to 2000 characters/);
    assert.match(page.body, /up to 30 decisions of up to 200 characters each/);
  });

  it('refuses notes over the limit with a message that names the field, keeping all 10,000 characters', async () => {
    const before = await count();
    const notes = `${'n'.repeat(9_997)}END`;
    const response = await postForm(app, '/organisations/exeter/arrangements', officer, {
      ...FORM,
      providerOrgId: String(exeter),
      notes,
      _csrf: officer.csrf,
    });
    assert.equal(response.statusCode, 400);
    assert.match(
      response.body,
      new RegExp(`href="#notes">Notes must be 2,000 characters or fewer: there are 10,000`),
    );
    assert.ok(response.body.includes(`${notes}</textarea>`), 'the whole text comes back');
    assert.equal(await count(), before);
  });

  it('refuses too many or too long decisions, naming the field', async () => {
    const response = await postForm(app, '/organisations/exeter/arrangements', officer, {
      ...FORM,
      providerOrgId: String(exeter),
      reservedDecisions: `Setting fees\n${'x'.repeat(201)}`,
      delegatedDecisions: Array.from({ length: 31 }, (_, i) => `Decision ${i}`).join('\n'),
      _csrf: officer.csrf,
    });
    assert.equal(response.statusCode, 400);
    assert.match(
      response.body,
      /Decisions the council keeps: each decision must be 200 characters or fewer \(line 2 has 201\)/,
    );
    assert.match(
      response.body,
      /Decisions delegated to the provider can list up to 30 decisions, one a line: there are 31/,
    );
    assert.ok(response.body.includes('x'.repeat(201)));
  });
});
