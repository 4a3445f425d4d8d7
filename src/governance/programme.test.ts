/**
 * The 2020 Vision programme in the demo, through the programme service, API and page: Table 7.4's
 * five phases with their go/no-go points, each authority's decision recorded by that authority
 * only (the latest counts), and bad input answered without writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { rowCount } from '../../test/support/rows.ts';
import { openDemoApp, signIn } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import type { AppServices } from '../app/services.ts';
import { ProblemError } from '../platform/index.ts';
import { NOBODY, type GovernanceActor } from './governance-actor.ts';

const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';

describe('the programme', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const clerk = (orgId: number): GovernanceActor => ({ ...NOBODY, clerkOf: [orgId], orgIds: [orgId] });
  const decisions = () => rowCount(database, 'go_no_go_decision');

  let close: () => Promise<void>;

  before(async () => {
    ({ database, app, services, close } = await openDemoApp());
  });
  after(() => close?.());

  it("holds the 2020 Vision timetable's phases and each authority's go/no-go decisions", async () => {
    const [programme] = await services.programmes.programmes('2020-vision');
    assert.ok(programme);
    assert.deepEqual(
      programme.phases.map((p) => [p.name, p.timing]),
      [
        ['Preliminary Planning', 'Autumn 2014'],
        ['Detailed Planning', 'Winter 2014 - Spring 2015'],
        ['Programme Initiation', 'Summer 2015'],
        ['Initial implementation', 'Autumn 2015'],
        ['Full go-live of partnership venture', 'Spring 2016'],
      ],
    );
    const points = programme.phases.flatMap((p) => p.milestones).filter((m) => m.kind === 'go_no_go');
    assert.deepEqual(
      points.map((p) => p.dueOn),
      ['2014-12-31', '2015-09-30'],
    );
    for (const p of points) {
      assert.equal(p.decisions.length, 4, 'one row for each of the four authorities');
      assert.ok(p.decisions.every((d) => d.decision === 'go'));
    }
    const goLive = programme.phases[4]!.milestones[0]!;
    assert.equal(goLive.title, 'Go-live of new arrangements: April 2016');
    assert.deepEqual(
      goLive.dependsOn.map((d) => d.title),
      ['Refine and agree legal agreements'],
    );
    assert.equal(programme.illustrative, true);
  });

  it("records an authority's own go/no-go decision only, the latest counting, and nothing on bad input", async () => {
    const [programme] = await services.programmes.programmes('2020-vision');
    const point = programme!.phases[2]!.milestones.find((m) => m.kind === 'go_no_go')!;
    const plain = programme!.phases[2]!.milestones.find((m) => m.kind === 'milestone')!;
    const cheltenham = (await services.register.organisation(CHELTENHAM)).orgId;
    const cotswold = (await services.register.organisation(COTSWOLD)).orgId;
    const input = { orgId: cheltenham, decision: 'deferred', decidedOn: '2015-09-20', minute: 'CAB/15/44' };
    const before = await decisions();
    const refused = async (work: Promise<unknown>, status: number) =>
      assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status);
    await refused(
      services.programmes.recordGoNoGo(clerk(cotswold), '2020-vision', point.milestoneId, input),
      403,
    );
    await refused(
      services.programmes.recordGoNoGo(clerk(cheltenham), '2020-vision', plain.milestoneId, input),
      404,
    );
    await refused(
      services.programmes.recordGoNoGo(clerk(cheltenham), 'integrated-devon', point.milestoneId, input),
      404,
    );
    await refused(
      services.programmes.recordGoNoGo(clerk(cheltenham), '2020-vision', point.milestoneId, {
        ...input,
        decision: 'maybe',
        decidedOn: '2099-01-01',
        minute: '',
      }),
      400,
    );
    assert.equal(await decisions(), before);
    const after = await services.programmes.recordGoNoGo(
      clerk(cheltenham),
      '2020-vision',
      point.milestoneId,
      input,
    );
    const row = after.phases[2]!.milestones.find((m) => m.milestoneId === point.milestoneId)!.decisions;
    assert.deepEqual(
      row.find((d) => d.council.gss === CHELTENHAM),
      {
        council: { orgId: cheltenham, gss: CHELTENHAM, name: 'Cheltenham Borough Council' },
        decision: 'deferred',
        decidedOn: '2015-09-20',
        minute: 'CAB/15/44',
      },
    );
    assert.equal(await decisions(), before + 1);
  });

  it('shows the programme to anyone as a page and through the API, and answers bad input', async () => {
    const page = await app.inject({ method: 'GET', url: '/partnerships/2020-vision/programme' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Phase 1: Preliminary Planning/);
    assert.match(
      page.body,
      /Go\/no-go point: Go\/No-go decision point for each authority to proceed to next phase: September 2015/,
    );
    assert.match(page.body, /Deferred/);
    const api = await app.inject({ method: 'GET', url: '/api/v1/partnerships/2020-vision/programme' });
    assert.equal(api.statusCode, 200);
    assert.equal((api.json() as { programmes: unknown[] }).programmes.length, 1);
    const none = await app.inject({ method: 'GET', url: '/partnerships/warwickshire-way/programme' });
    assert.match(none.body, /has no programme recorded/);
    for (const [url, status] of [
      ['/partnerships/no-such/programme', 404],
      ['/partnerships/%00/programme', 400],
      ['/api/v1/partnerships/2020-vision/programme/points/abc/decisions', 400],
    ] as const) {
      const method = url.includes('/points/') ? 'POST' : 'GET';
      assert.equal((await app.inject({ method, url, payload: {} })).statusCode, status, url);
    }
    const email = 'clerk.cotswold.programme@example.org';
    const cotswold = (await services.register.organisation(COTSWOLD)).orgId;
    await services.auth.createAccount({
      email,
      displayName: email,
      password: 'a long password for the programme test',
      grants: [{ orgId: cotswold, role: 'clerk', partnershipId: null, lgslCodes: null }],
    });
    const session = await signIn(app, email, 'a long password for the programme test');
    const [programme] = await services.programmes.programmes('2020-vision');
    const point = programme!.phases[0]!.milestones[0]!;
    const post = (gss: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/partnerships/2020-vision/programme/points/${point.milestoneId}/decisions`,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        payload: { gss, decision: 'no_go', decided_on: '2014-12-15', minute: 'CDC/14/9' },
      });
    assert.equal((await post(CHELTENHAM)).statusCode, 403);
    assert.equal((await post(COTSWOLD)).statusCode, 201);
  });
});
