import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp, getPage, orgIdsBySlug, signIn, type Session } from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { createOutboxWorker, localSender } from '../../platform/outbox-worker.ts';
import { RESIDENT } from '../cases/case-actor.ts';
import { maskRecipient, messageText } from './outbox-viewer.pages.ts';

const PASSWORD = 'a long enough password for tests';

describe('the outbox viewer', () => {
  let database: Database;
  let app: FastifyInstance;
  const org: Record<string, number> = {};
  let exeter: Session;
  let councillor: Session;
  let exeterReference: string;
  let teignbridgeReference: string;

  const get = (url: string, session?: Session) => getPage(app, url, session);
  const messageIds = async (jurisdiction: string) =>
    (
      await database.db
        .selectFrom('outbox_message')
        .select(['org_id', 'message_id', 'channel'])
        .where('org_id', '=', org[jurisdiction]!)
        .orderBy('message_id')
        .execute()
    ).map((m) => ({ orgId: m.org_id, messageId: m.message_id, channel: m.channel }));
  const views = async () =>
    (
      await database.db
        .selectFrom('audit_log')
        .select(['org_id', 'entity_key'])
        .where('action', '=', 'view')
        .where('entity_type', '=', 'outbox_message')
        .execute()
    ).map((v) => `${v.org_id}/${v.entity_key}`);

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const built = await buildTestApp(database);
    app = built.app;
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge']));
    for (const [email, orgId, role] of [
      ['officer.exeter@example.org', org.exeter!, 'officer'],
      ['councillor.exeter@example.org', org.exeter!, 'councillor'],
    ] as const) {
      await built.services.auth.createAccount({
        email,
        displayName: email.split('@')[0]!,
        password: PASSWORD,
        grants: [{ orgId, role, partnershipId: null, lgslCodes: null }],
      });
    }
    exeter = await signIn(app, 'officer.exeter@example.org', PASSWORD);
    councillor = await signIn(app, 'councillor.exeter@example.org', PASSWORD);
    const open = async (choose: number, email: string) => {
      const opened = await built.services.cases.intake(RESIDENT, {
        lgslCode: 524,
        postcode: 'EX2',
        chooseOrgId: choose,
        description: 'The bins were not collected.',
        reporterEmail: email,
        channel: 'web',
      });
      assert.equal(opened.outcome, 'opened');
      return opened.outcome === 'opened' ? opened.case.reference : '';
    };
    exeterReference = await open(org.exeter!, 'pat.resident@example.org');
    teignbridgeReference = await open(org.teignbridge!, 'sam.neighbour@example.org');
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('sends someone signed out to sign in, and refuses a councillor', async () => {
    const signedOut = await get('/outbox');
    assert.equal(signedOut.statusCode, 303);
    assert.match(String(signedOut.headers.location), /^\/sign-in/);
    assert.equal((await get('/outbox', councillor)).statusCode, 403);
    const [message] = await messageIds('exeter');
    assert.equal((await get(`/outbox/${message!.orgId}/${message!.messageId}`, councillor)).statusCode, 403);
  });

  it('lists the council’s own messages, newest first, with the resident’s address in part', async () => {
    const page = await get('/outbox', exeter);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /GOV\.UK Notify is not set up/);
    assert.match(page.body, /The team at Exeter City Council/);
    assert.match(page.body, new RegExp(exeterReference));
    assert.match(page.body, /Case received/);
    assert.match(page.body, /New case for the team/);
    assert.match(page.body, /p•••@example\.org/);
    assert.ok(!page.body.includes('pat.resident@example.org'), 'the full address is not in the list');
    assert.ok(!page.body.includes(teignbridgeReference), 'another council’s messages are not listed');
    assert.ok(!page.body.includes('sam.neighbour'), 'another council’s resident is not listed');
    assert.match(page.body, /Messages 1 to 2 of 2/);
  });

  it('shows one message in full, and records that it was seen', async () => {
    const email = (await messageIds('exeter')).find((m) => m.channel === 'email')!;
    const before = await views();
    const page = await get(`/outbox/${email.orgId}/${email.messageId}`, exeter);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /pat\.resident@example\.org/);
    assert.match(page.body, new RegExp(`Your reference is ${exeterReference}`));
    assert.deepEqual(
      (await views()).filter((v) => !before.includes(v)),
      [`${email.orgId}/${email.messageId}`],
    );
  });

  it('answers 404 for another council’s message, the same as for none, and records nothing', async () => {
    const [theirs] = await messageIds('teignbridge');
    const before = await views();
    const other = await get(`/outbox/${theirs!.orgId}/${theirs!.messageId}`, exeter);
    assert.equal(other.statusCode, 404);
    assert.ok(!other.body.includes('sam.neighbour'));
    const none = await get(`/outbox/${org.exeter}/99999999`, exeter);
    assert.equal(none.statusCode, 404);
    assert.equal((await get('/outbox/x/1', exeter)).statusCode, 404);
    assert.deepEqual(await views(), before);
  });

  it('filters by state, channel and reference, and shows what the worker sent', async () => {
    const emails = await get('/outbox?channel=email', exeter);
    assert.match(emails.body, /Messages 1 to 1 of 1/);
    assert.match((await get('/outbox?state=sent', exeter)).body, /No messages/);
    assert.match((await get(`/outbox?reference=${exeterReference.toLowerCase()}`, exeter)).body, /of 2</);
    assert.match((await get('/outbox?reference=TEI-2000-000001', exeter)).body, /No messages/);

    const worker = createOutboxWorker({ db: database.db, sender: localSender });
    assert.equal((await worker.runOnce()).sent, 4);
    const sent = await get('/outbox?state=sent', exeter);
    assert.match(sent.body, /Messages 1 to 2 of 2/);
    assert.match(sent.body, /govuk-tag--green/);
    assert.match((await get('/outbox?state=pending', exeter)).body, /No messages/);
  });

  it('refuses a filter it does not know, with the error summary, and lists nothing', async () => {
    for (const [query, message] of [
      ['state=lost', 'Choose waiting, sent, failed or all'],
      ['channel=pigeon', 'Choose email, text message, staff or all'],
      ['reference=not-a-reference', 'Enter a case reference like EXE-2026-000123'],
      ['page=0', 'Page must be a whole number from 1'],
    ] as const) {
      const page = await get(`/outbox?${query}`, exeter);
      assert.equal(page.statusCode, 400, query);
      assert.match(page.body, /There is a problem/);
      assert.ok(page.body.includes(message), `${query}: ${message}`);
      assert.ok(!page.body.includes(exeterReference), `${query}: nothing listed`);
    }
  });

  it('masks addresses and numbers, and says each message in plain words', () => {
    assert.equal(maskRecipient('email', 'pat.resident@example.org'), 'p•••@example.org');
    assert.equal(maskRecipient('sms', '07700 900123'), '07•••••123');
    assert.equal(maskRecipient('sms', '123'), '•••');
    assert.equal(maskRecipient('staff', 'organisation:7'), 'organisation:7');
    assert.equal(
      messageText('case_referred', { reference: 'EXE-2026-000001', council: 'Devon County Council' }),
      'Your case EXE-2026-000001 has been passed to Devon County Council, who deal with it. Your reference stays the same.',
    );
    assert.equal(
      messageText('case_updated', { reference: 'EXE-2026-000001', status: 'In progress', note: '' }),
      'Your case EXE-2026-000001 is now: In progress.',
    );
  });
});
