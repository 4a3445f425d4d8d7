/**
 * Drafting a proposal on a page, for the partnership's administrator:
 * - `/partnerships/{slug}/proposals/new`: what the proposal changes: who delivers a service, how a
 *   cost pool is shared, a council joining or one leaving;
 * - `/partnerships/{slug}/proposals/new?change=KIND`: the form for that kind: title, summary, the
 *   date it takes effect, the change itself, and for each council the body that decides (its
 *   executive offered first). A council that joins is asked at its own executive.
 * The governance service checks everything, whoever sends it; a refused form comes back with every
 * message in an error summary and everything typed kept, and nothing is written.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DRIVERS, RULE_KINDS, ruleFromForm } from '../finance/index.ts';
import { ProblemError, ValidationProblem, notFound, parseId, requireCsrfToken } from '../platform/index.ts';
import { DELIVERY_LEVELS, DELIVERY_MODES } from '../register/index.ts';
import { CHANGE_KINDS, CHANGE_KIND_LABELS, type ChangeKind } from './change-kinds.ts';
import { governanceActorFor } from './governance-actor.ts';
import { FormBody, formValues, underFields, type Errors, type Values } from './governance-forms.ts';
import { dateFrom } from '../platform/index.ts';
import type { ChangeInput, DraftOptions, ProposalInput } from './proposal.service.ts';

const SlugParam = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' }),
});
const KindQuery = Type.Object(
  { change: Type.Optional(Type.String({ maxLength: 30 })) },
  { additionalProperties: true },
);

const isKind = (value: unknown): value is ChangeKind =>
  typeof value === 'string' && (CHANGE_KINDS as readonly string[]).includes(value);

/** The fields every kind of proposal has, in the order of the page. */
const COMMON = ['title', 'summary', 'effectiveFrom-day', 'effectiveFrom-month', 'effectiveFrom-year'];
const FIELDS_OF: Record<ChangeKind, string[]> = {
  arrangement: ['service', 'mode', 'level', 'provider', 'area', 'matters', 'notes', 'partialAdoption'],
  allocation_rule: ['pool', 'ruleKind', 'driver', 'json', 'tolerance', 'notes'],
  join: ['council', 'role', 'notes'],
  leave: ['council', 'notes'],
};

/** Where the service's messages about a change go on the page. */
const CHANGE_FIELD: Record<string, string> = {
  orgId: 'council',
  lgslCode: 'service',
  mode: 'mode',
  level: 'level',
  providerOrgId: 'provider',
  leadCommissionerOrgId: 'provider',
  areaCode: 'area',
  matters: 'matters',
  notes: 'notes',
  poolId: 'pool',
  rule: 'ruleKind',
  trueUpTolerance: 'tolerance',
  role: 'role',
};

const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** Every checkbox a form sent under `name`, as text. */
function checked(body: unknown, name: string): string[] {
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((v): v is string => typeof v === 'string').slice(0, 500);
}

export const proposalDraftPages: FastifyPluginAsync = async (app) => {
  const { governance } = app.services;
  const actorOf = (request: FastifyRequest) => governanceActorFor(request.principal);

  async function show(
    request: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    kind: ChangeKind | null,
    state: { values?: Values; councils?: string[]; errors?: Errors } = {},
  ) {
    const options = await governance.draftOptions(actorOf(request), request.params.slug);
    const values = state.values ?? {};
    const errors = state.errors ?? {};
    const base = `/partnerships/${encodeURIComponent(options.partnership.slug)}/proposals`;
    return reply.page('proposal-new.njk', {
      title: `Draft a proposal – ${options.partnership.name}`,
      partnership: options.partnership,
      listHref: base,
      action: `${base}?change=${kind ?? ''}`,
      kind,
      kindLabel: kind ? CHANGE_KIND_LABELS[kind] : null,
      kinds: CHANGE_KINDS.map((k) => ({ value: k, text: CHANGE_KIND_LABELS[k] })),
      ...choices(options, kind, values, state.councils),
      errors,
      values,
    });
  }

  app.get<{ Params: { slug: string }; Querystring: { change?: string } }>(
    '/partnerships/:slug/proposals/new',
    {
      preHandler: app.requireSignIn,
      schema: { hide: true, params: SlugParam, querystring: KindQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError?.validationContext === 'params')
        throw notFound(`There is no partnership "${String(request.params.slug).slice(0, 100)}".`);
      const kind = isKind(request.query.change) ? request.query.change : null;
      return show(request, reply, kind);
    },
  );

  app.post<{ Params: { slug: string }; Querystring: { change?: string } }>(
    '/partnerships/:slug/proposals',
    {
      preHandler: [app.requireSignIn, requireCsrfToken],
      schema: { hide: true, params: SlugParam, querystring: KindQuery, body: FormBody },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError?.validationContext === 'params')
        throw notFound(`There is no partnership "${String(request.params.slug).slice(0, 100)}".`);
      const kind = isKind(request.query.change) ? request.query.change : null;
      if (kind === null)
        return show(request, reply.code(400), null, {
          errors: { change: 'Select what the proposal changes' },
        });
      const options = await governance.draftOptions(actorOf(request), request.params.slug);
      const shareFields = options.councils.map((c) => `share-${c.gss ?? c.orgId}`);
      const approvalFields = options.councils.map((c) => `approval-${c.orgId}`);
      const values = formValues(request.body, [
        ...COMMON,
        ...FIELDS_OF[kind],
        'internal',
        ...shareFields,
        ...approvalFields,
      ]);
      const councils = checked(request.body, 'councils');
      if (request.validationError)
        return show(request, reply.code(400), kind, {
          values,
          councils,
          errors: { title: 'The form could not be read: reload the page and try again' },
        });
      const own: Errors = {};
      const date = dateFrom(values, 'effectiveFrom', 'the date it takes effect');
      if (date.error) own['effectiveFrom-day'] = date.error;
      const changes: ChangeInput[] = [];
      const approvals: ProposalInput['approvals'] = [];
      for (const c of options.councils) {
        const bodyId = parseId(values[`approval-${c.orgId}`] ?? '');
        if (bodyId !== undefined) approvals.push({ orgId: c.orgId, bodyId });
      }
      const matters = lines(values.matters);
      const notes = values.notes ?? '';
      if (kind === 'arrangement') {
        if (councils.length === 0) own.councils = 'Select each council whose arrangement changes';
        for (const orgText of councils)
          changes.push({
            orgId: parseId(orgText) ?? 0,
            lgslCode: parseId(values.service ?? '') ?? 0,
            mode: values.mode ?? '',
            level: values.level ?? '',
            providerOrgId: parseId(values.provider ?? '') ?? 0,
            areaCode: values.area ? values.area : null,
            matters,
            notes,
          });
      } else if (kind === 'allocation_rule') {
        // The shares asked of are those of the councils sharing the chosen pool (all, before one is chosen).
        const pool = options.pools.find((x) => String(x.poolId) === values.pool);
        const members = options.councils
          .filter((c) => !pool || pool.sharing.includes(c.orgId))
          .map((c) => ({ gss: c.gss, orgId: c.orgId, name: c.name }));
        const read = ruleFromForm(
          {
            kind: values.ruleKind ?? '',
            driver: values.driver ?? '',
            json: values.json ?? '',
            tolerance: values.tolerance ?? '',
            ...Object.fromEntries(shareFields.map((f) => [f, values[f] ?? ''])),
          },
          { members: members.map((m) => ({ ...m, joinedOn: '', leftOn: null })) },
        );
        for (const [field, message] of Object.entries(read.errors))
          own[field === 'kind' ? 'ruleKind' : field] = message;
        changes.push({
          kind: 'allocation_rule',
          poolId: parseId(values.pool ?? '') ?? 0,
          rule: read.rule ?? null,
          trueUpTolerance: read.tolerance ?? null,
          matters,
          notes,
        });
      } else if (kind === 'join') {
        const key = (values.council ?? '').trim();
        if (key === '' || key.length > 20)
          own.council = 'Enter the GSS code of the council that joins, like E07000082';
        else {
          try {
            const joiner = await governance.joiningCouncil(key);
            changes.push({
              kind: 'join',
              orgId: joiner.orgId,
              role: values.role === 'associate' ? 'associate' : 'member',
              notes,
            });
            if (joiner.bodyId === null)
              own.council = `${joiner.name} has no cabinet, executive or full council recorded to decide: its democratic services officer records one first`;
            else approvals.push({ orgId: joiner.orgId, bodyId: joiner.bodyId });
          } catch (error) {
            if (!(error instanceof ProblemError) || error.status !== 404) throw error;
            own.council = `There is no council with the code "${key}": enter its GSS code, like E07000082`;
          }
        }
      } else {
        changes.push({ kind: 'leave', orgId: parseId(values.council ?? '') ?? 0, notes });
      }
      const input: ProposalInput = {
        title: values.title ?? '',
        summary: values.summary ?? '',
        effectiveFrom: date.iso,
        partialAdoption: values.partialAdoption === 'yes',
        internal: values.internal === 'yes',
        changes,
        approvals,
      };
      const ruleUnread =
        ['ruleKind', 'driver', 'json', 'tolerance'].some((f) => f in own) ||
        Object.keys(own).some((f) => f.startsWith('share-'));
      const refuse = (service: Record<string, string>) => {
        const said = messagesOnPage(service, changes, kind);
        // A rule the page could not read is said once, by the page, not again by the service.
        if (ruleUnread) delete said.ruleKind;
        return show(request, reply.code(400), kind, {
          values,
          councils,
          errors: ordered({ ...said, ...own }, kind, options),
        });
      };
      try {
        // With the page's own problems, the service still says what else is wrong, writing nothing.
        if (Object.keys(own).length > 0) {
          await governance.checkDraft(actorOf(request), request.params.slug, input);
          return refuse({});
        }
        const made = await governance.create(actorOf(request), request.params.slug, input);
        return reply.redirect(`/proposals/${encodeURIComponent(made.id)}?done=drafted`, 303);
      } catch (error) {
        if (!(error instanceof ValidationProblem)) throw error;
        return refuse(error.fields);
      }
    },
  );
};

/** The service's messages under the page's fields. */
function messagesOnPage(fields: Record<string, string>, changes: ChangeInput[], kind: ChangeKind): Errors {
  const named: Record<string, string> = {
    title: 'title',
    summary: 'summary',
    effectiveFrom: 'effectiveFrom-day',
    partialAdoption: 'partialAdoption',
    changes: kind === 'arrangement' ? 'councils' : kind === 'allocation_rule' ? 'pool' : 'council',
    approvals: 'approvals',
  };
  const moved: Record<string, string> = {};
  for (const [field, message] of Object.entries(fields)) {
    const change = /^changes\[(\d+)\]\.(\w+)$/.exec(field);
    const approval = /^approvals(?:\.(\d+)|\[(\d+)\])$/.exec(field);
    let key: string;
    if (change) {
      const page = CHANGE_FIELD[change[2]!] ?? named.changes!;
      key = kind === 'arrangement' && page === 'council' ? 'councils' : page;
    } else if (approval) {
      key = approval[1] ? `approval-${approval[1]}` : 'approvals';
    } else key = named[field] ?? 'title';
    // One message per field: the same problem for several councils' changes is said once.
    const text = change && changes.length > 1 ? message.replace(/^Change \d+: /, '') : message;
    moved[key] = moved[key] && !moved[key]!.includes(text) ? `${moved[key]} ${text}` : (moved[key] ?? text);
  }
  return underFields(moved, Object.fromEntries(Object.keys(moved).map((k) => [k, k])), 'title');
}

/** Errors in the order of the page's fields, so the summary reads as the page does. */
function ordered(errors: Errors, kind: ChangeKind, options: DraftOptions): Errors {
  const order = [
    ...COMMON,
    ...(kind === 'arrangement' ? ['councils'] : []),
    ...FIELDS_OF[kind],
    'approvals',
    ...options.councils.map((c) => `approval-${c.orgId}`),
  ];
  const rank = (k: string) => (order.indexOf(k) + 1 || order.length + 1) - 1;
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

/** The form's choices for the kind of change, with what was sent selected. */
function choices(options: DraftOptions, kind: ChangeKind | null, values: Values, sentCouncils?: string[]) {
  const select = (items: Array<{ value: string; text: string }>, field: string, prompt: string) => [
    { value: '', text: prompt },
    ...items.map((i) => ({ ...i, selected: values[field] === i.value })),
  ];
  return {
    councils: options.councils.map((c) => ({
      value: String(c.orgId),
      text: c.name,
      checked: (sentCouncils ?? []).includes(String(c.orgId)),
    })),
    services: select(
      options.services.map((s) => ({ value: String(s.lgslCode), text: `${s.label} (LGSL ${s.lgslCode})` })),
      'service',
      'Select the service',
    ),
    modes: select(
      Object.entries(DELIVERY_MODES).map(([value, text]) => ({ value, text })),
      'mode',
      'Select how it is delivered',
    ),
    levels: select(
      Object.entries(DELIVERY_LEVELS).map(([value, text]) => ({ value, text })),
      'level',
      'Select the level',
    ),
    providers: select(
      options.providers.map((p) => ({ value: String(p.orgId), text: p.name })),
      'provider',
      'Select who provides it',
    ),
    areas: select(
      options.areas.map((a) => ({ value: a.code, text: a.name })),
      'area',
      'The whole of each council’s area',
    ),
    pools: select(
      options.pools.map((p) => ({ value: String(p.poolId), text: p.name })),
      'pool',
      'Select the cost pool',
    ),
    ruleKinds: RULE_KINDS.map((k) => ({ value: k.value, text: k.text })),
    drivers: select(
      Object.entries(DRIVERS).map(([value, d]) => ({ value, text: d.its })),
      'driver',
      'Select the driver',
    ),
    shares: options.councils.map((c) => ({ name: `share-${c.gss ?? c.orgId}`, label: c.name })),
    leaving: select(
      options.councils.map((c) => ({ value: String(c.orgId), text: c.name })),
      'council',
      'Select the council that leaves',
    ),
    approvalsOf: options.councils.map((c) => ({
      name: `approval-${c.orgId}`,
      council: c.name,
      items: [
        { value: '', text: 'Not asked' },
        ...c.bodies.map((b, i) => ({
          value: String(b.bodyId),
          text: b.name,
          selected:
            values[`approval-${c.orgId}`] === undefined
              ? i === 0 && kind !== null
              : values[`approval-${c.orgId}`] === String(b.bodyId),
        })),
      ],
    })),
  };
}
