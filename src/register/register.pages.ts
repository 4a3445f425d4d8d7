/**
 * The register's pages: partnerships, the services × members matrix, organisations, services with
 * their history, the forms to add and change arrangements, and "who is responsible here?".
 */
import { parseIntCode } from '../platform/index.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ValidationProblem, badRequest } from '../platform/index.ts';
import { requireCsrfToken } from '../platform/index.ts';
import { formatDate, isIsoDate, todayInLondon } from '../platform/index.ts';
import { brandOf } from '../platform/index.ts';
import type { Role } from '../db/index.ts';
import { actorFor } from './actor.ts';
import { matrixCsv, describeCell } from './matrix.csv.ts';
import {
  DELIVERY_LEVELS,
  DELIVERY_MODES,
  DELIVERY_MODE_CODES,
  type DeliveryMode,
  type Organisation,
} from './register.types.ts';
import {
  arrangementForm,
  formFromArrangement,
  parseArrangementForm,
  type ArrangementFormValues,
} from './arrangement.form.ts';
import { deliveredTogether, deliveryChart, MODE_COLOURS } from './delivery.chart.ts';
import { mayDefineAreas } from './partnership-areas.ts';
import { partnershipAreaPages } from './partnership-areas.pages.ts';

/** The path of an organisation's page: by its GOV.UK slug where it has one, else by its id. */
export const organisationPath = (org: { jurisdiction: string | null; orgId: number }): string =>
  `/organisations/${encodeURIComponent(org.jurisdiction ?? String(org.orgId))}`;

/** The matrix's key: each delivery mode's letter, with its colour and its words. */
const MATRIX_KEY = (Object.keys(DELIVERY_MODES) as DeliveryMode[]).map((mode) => ({
  mode,
  code: DELIVERY_MODE_CODES[mode],
  label: DELIVERY_MODES[mode],
  colour: MODE_COLOURS[mode],
}));
import { serviceWords } from './service-search.ts';

type Query = Record<string, string | string[] | undefined>;

/** The longest words the matrix's service filter takes. */
const MATRIX_SEARCH_LIMIT = 100;

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Reads an "as at" date from day/month/year fields, or today. */
function readAsAt(query: Query): {
  date: string;
  error?: string;
  day?: string;
  month?: string;
  year?: string;
} {
  const [day, month, year] = ['day', 'month', 'year'].map(
    (k) => (query[`date-${k}`] as string | undefined)?.trim() ?? '',
  );
  if (!day && !month && !year) return { date: todayInLondon() };
  const date = `${year!.padStart(4, '0')}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  if (!isIsoDate(date))
    return { date: todayInLondon(), error: 'Enter a real date, for example 1 4 2026', day, month, year };
  return { date, day, month, year };
}

/** The roles that read a partnership's costs (docs/access.md, "Cost sharing"). */
const FINANCE_READERS: readonly Role[] = ['finance_lead', 'finance_officer', 'councillor'];

export const registerPages: FastifyPluginAsync = async (app) => {
  const { register, responsible } = app.services;

  await app.register(partnershipAreaPages);

  app.get('/', async (_request, reply) => {
    return reply.page('home.njk', { partnerships: await register.listPartnerships() });
  });

  app.get('/partnerships', async (_request, reply) => {
    return reply.page('partnerships.njk', { partnerships: await register.listPartnerships() });
  });

  app.get<{ Params: { slug: string } }>(
    '/partnerships/:slug',
    async function partnershipPage(request, reply) {
      const actor = await actorFor(request);
      const partnership = await register.partnership(request.params.slug);
      const matrix = await register.matrix(actor, partnership.slug);
      return reply.page('partnership.njk', {
        partnership,
        members: partnership.members.map((m) => ({ ...m, href: organisationPath(m) })),
        matrix,
        chart: await deliveryChart(matrix),
        together: deliveredTogether(matrix).map((g) => ({
          ...g,
          providerHref: organisationPath(g.provider),
          members: g.members.map((m) => ({ ...m, href: organisationPath(m.member) })),
        })),
        councils: partnership.members.filter(
          (m) => !['joint_committee', 'company', 'lead_authority'].includes(m.kind),
        ),
        mayDefineAreas: mayDefineAreas(actor, partnership.partnershipId),
        // The link to the partnership's costs, for the roles that read them: never a link the
        // public would only be sent to sign in by.
        showsFinance: (request.principal?.grants ?? []).some((g) => FINANCE_READERS.includes(g.role)),
      });
    },
  );

  const matrixFor = async (request: FastifyRequest<{ Params: { slug: string }; Querystring: Query }>) => {
    const q = request.query;
    const asAt = readAsAt(q);
    const lgslCodes = asList(q.service)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    const memberOrgIds = asList(q.member)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    const mode = typeof q.mode === 'string' && Object.hasOwn(DELIVERY_MODES, q.mode) ? q.mode : undefined;
    const typed = typeof q.q === 'string' ? q.q.trim() : '';
    // Longer words than any service's name are refused on the field, never cut.
    const searchError =
      typed.length > MATRIX_SEARCH_LIMIT
        ? `Service name or LGSL code must be ${MATRIX_SEARCH_LIMIT} characters or fewer (you entered ${typed.length.toLocaleString('en-GB')})`
        : undefined;
    const search = searchError ? '' : typed;
    const matrix = await register.matrix(await actorFor(request), request.params.slug, {
      date: asAt.date,
      ...(lgslCodes.length ? { lgslCodes } : {}),
      ...(memberOrgIds.length ? { memberOrgIds } : {}),
      ...(mode ? { mode } : {}),
      ...(search ? { query: search } : {}),
    });
    return { matrix, asAt, memberOrgIds, mode, search: typed, searchError };
  };

  app.get<{ Params: { slug: string }; Querystring: Query }>(
    '/partnerships/:slug/services',
    async (request, reply) => {
      const { matrix, asAt, memberOrgIds, mode, search, searchError } = await matrixFor(request);
      const partnership = await register.partnership(request.params.slug);
      const query = new URLSearchParams(
        Object.entries(request.query).flatMap(([k, v]) => asList(v).map((x) => [k, x] as [string, string])),
      ).toString();
      const problems = [
        ...(searchError ? [{ text: searchError, href: '#q' }] : []),
        ...(asAt.error ? [{ text: asAt.error, href: '#date-day' }] : []),
      ];
      return reply.code(searchError ? 400 : 200).page('matrix.njk', {
        partnership,
        searchError,
        problems,
        matrix,
        asAt,
        asAtText: formatDate(matrix.date),
        filters: { members: memberOrgIds, mode, search },
        modes: DELIVERY_MODES,
        key: MATRIX_KEY,
        members: matrix.members.map((m) => ({ ...m, href: organisationPath(m) })),
        rows: matrix.services.map((s, i) => ({
          service: s,
          cells: matrix.cells[i]!.map((c, col) => ({
            mode: c.arrangement?.mode ?? 'none',
            code: c.arrangement ? DELIVERY_MODE_CODES[c.arrangement.mode] : '–',
            text: describeCell(c),
            href: `${organisationPath(matrix.members[col]!)}/services/${s.lgslCode}`,
          })),
        })),
        csvHref: `/partnerships/${matrix.partnership.slug}/services.csv${query ? `?${query}` : ''}`,
      });
    },
  );

  app.get<{ Params: { slug: string }; Querystring: Query }>(
    '/partnerships/:slug/services.csv',
    async (request, reply) => {
      const { matrix, searchError } = await matrixFor(request);
      if (searchError) throw badRequest(searchError);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${matrix.partnership.slug}-${matrix.date}.csv"`)
        .send(matrixCsv(matrix));
    },
  );

  app.get<{ Params: { key: string } }>('/organisations/:key', async (request, reply) => {
    const org = await register.organisation(request.params.key);
    const actor = await actorFor(request);
    const arrangements = await register.organisationArrangements(actor, org.orgId);
    const services = arrangements.length
      ? new Map(
          (await register.services({ codes: arrangements.map((a) => a.lgslCode) })).map((s) => [
            s.lgslCode,
            s,
          ]),
        )
      : new Map();
    return reply.page('organisation.njk', {
      org,
      brand: brandOf(org),
      arrangements: arrangements.map((a) => ({
        ...a,
        service: services.get(a.lgslCode),
        modeLabel: DELIVERY_MODES[a.mode],
        levelLabel: DELIVERY_LEVELS[a.level],
      })),
      canChange: actor.scope.writeOrgs.includes(org.orgId),
    });
  });

  app.get<{ Params: { lgsl: string }; Querystring: Query }>('/services/:lgsl', async (request, reply) => {
    const code = Number(request.params.lgsl);
    if (!Number.isInteger(code) || code <= 0) throw badRequest('An LGSL service code is a whole number.');
    const service = await register.service(code);
    const actor = await actorFor(request);
    const history = await register.serviceHistory(actor, code);
    const orgs = await register.organisationSummaries([...new Set(history.map((a) => a.orgId))]);
    const byOrg = [...orgs.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((org) => ({
        org,
        rows: history
          .filter((a) => a.orgId === org.orgId)
          .map((a) => ({ ...a, modeLabel: DELIVERY_MODES[a.mode], levelLabel: DELIVERY_LEVELS[a.level] })),
      }));
    return reply.page('service.njk', { service, byOrg });
  });

  async function showForm(
    reply: FastifyReply,
    org: Organisation,
    values: ArrangementFormValues,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const context = await arrangementForm(register, org, values, errors);
    return reply.code(status).page('arrangement-form.njk', { ...context, brand: brandOf(org) });
  }

  app.get<{ Params: { key: string }; Querystring: Query }>(
    '/organisations/:key/arrangements/new',
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const actor = await actorFor(request, { requireSignIn: true });
      if (!actor.scope.writeOrgs.includes(org.orgId))
        throw new ProblemError(403, 'Forbidden', `You cannot change ${org.name}’s arrangements.`);
      const code = parseIntCode(request.query.service) ?? 0;
      let values: ArrangementFormValues = {
        lgslCode: code > 0 ? String(code) : '',
      };
      if (values.lgslCode) {
        const history = await register.arrangementHistory(actor, org.orgId, code);
        const current = (await register.arrangementsInForce(actor, [org.orgId], todayInLondon(), [code]))[0];
        values = current ? formFromArrangement(current) : values;
        values.expectedCurrentId = String(history.at(-1)?.arrangementId ?? '');
      }
      return showForm(reply, org, values);
    },
  );

  app.post<{ Params: { key: string }; Body: Record<string, string | string[]> }>(
    '/organisations/:key/arrangements',
    { preHandler: requireCsrfToken },
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const actor = await actorFor(request, { requireSignIn: true });
      const { values, input, errors } = parseArrangementForm(request.body ?? {}, org.orgId);
      if (!input) return showForm(reply, org, values, errors, 400);
      try {
        const saved = await register.recordArrangement(actor, input);
        return reply.redirect(
          `/organisations/${org.jurisdiction ?? org.orgId}/services/${saved.lgslCode}?saved=1`,
          303,
        );
      } catch (error) {
        if (error instanceof ValidationProblem) return showForm(reply, org, values, error.fields, 400);
        if (error instanceof ProblemError && error.status === 409) {
          return showForm(
            reply,
            org,
            { ...values, expectedCurrentId: String(error.extensions.latestArrangementId ?? '') },
            { form: error.detail },
            409,
          );
        }
        throw error;
      }
    },
  );

  app.get<{ Params: { key: string; lgsl: string }; Querystring: Query }>(
    '/organisations/:key/services/:lgsl',
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const code = Number(request.params.lgsl);
      if (!Number.isInteger(code) || code <= 0) throw badRequest('An LGSL service code is a whole number.');
      const service = await register.service(code);
      const actor = await actorFor(request);
      const history = await register.arrangementHistory(actor, org.orgId, code);
      const current = (await register.arrangementsInForce(actor, [org.orgId], todayInLondon(), [code]))[0];
      return reply.page('organisation-service.njk', {
        org,
        brand: brandOf(org),
        service,
        current: current?.arrangementId,
        saved: request.query.saved === '1',
        history: history
          .map((a) => ({ ...a, modeLabel: DELIVERY_MODES[a.mode], levelLabel: DELIVERY_LEVELS[a.level] }))
          .reverse(),
        canChange: actor.scope.writeOrgs.includes(org.orgId) && actor.mayChange(org.orgId, code),
      });
    },
  );

  /** Every live service as a list to choose from, with the common words people use for each. */
  async function serviceChoices() {
    const live = (await register.services({})).filter((s) => s.status !== 'Discontinued');
    return [
      { value: '', text: 'Choose a service' },
      ...live.map((s) => ({
        value: String(s.lgslCode),
        text: `${s.label} (LGSL ${s.lgslCode})`,
        attributes: { 'data-words': serviceWords(s.lgslCode) },
      })),
    ];
  }

  app.get<{ Querystring: Query }>('/responsible', async (request, reply) => {
    const q = request.query;
    const postcode = typeof q.postcode === 'string' ? q.postcode.trim() : '';
    const serviceText = typeof q.service === 'string' ? q.service.trim() : '';
    const context: Record<string, unknown> = {
      values: { postcode, service: serviceText },
      services: await serviceChoices(),
    };
    if (postcode === '' && serviceText === '') return reply.page('responsible.njk', context);
    const errors: Record<string, string> = {};
    if (postcode === '') errors.postcode = 'Enter a postcode';
    if (serviceText === '') errors.service = 'Select the service';
    else if (!/^\d{1,5}$/.test(serviceText)) errors.service = 'Select the service from the list';
    if (Object.keys(errors).length > 0)
      return reply.code(400).page('responsible.njk', { ...context, errors });
    try {
      const answer = await responsible.find({ service: Number(serviceText), postcode });
      return reply.page('responsible.njk', { ...context, answer });
    } catch (error) {
      if (error instanceof ProblemError && (error.status === 400 || error.status === 404)) {
        const field = error.extensions.code === 'unknown_service' ? 'service' : 'postcode';
        const detail = field === 'service' ? 'Select the service from the list' : error.detail;
        return reply.code(error.status).page('responsible.njk', { ...context, errors: { [field]: detail } });
      }
      throw error;
    }
  });
};
