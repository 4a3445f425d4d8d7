/**
 * The case desk, for officers and contact-centre agents: the queue of the organisations they work
 * for with counts per team (a service at the organisation that handles it), search by reference,
 * postcode or words, and a case with its whole history and the forms to move it on, add a note, or
 * refer it to another organisation; and "take a request": a contact by phone, face to face or email
 * for any service of any partner, opened as a case for the council responsible at that place, with
 * the channel, the access point, the front door that took it and whether it was resolved there and
 * then. The responsible council's own information about the service (fees, policy, links) is
 * shown, so an agent answers for it.
 */
import { parseId, parseIntCode } from '../../platform/bounds.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ValidationProblem, badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { requireCsrfToken } from '../../platform/auth/csrf.ts';
import { brandOf } from '../../platform/views/brand.ts';
import type { CaseStatus, Channel } from '../../db/schema.ts';
import type { ResponsibleAnswer } from '../../register/responsible.service.ts';
import type { Service } from '../../register/register.types.ts';
import {
  caseActorFor,
  mayHandleCase,
  mayNoteCase,
  mayReferCase,
  staffCaseActor,
  type CaseActor,
} from '../cases/case-actor.ts';
import { CASE_STATUSES, statusChoices } from '../cases/case-status.ts';
import type { CaseDetail } from '../cases/cases.types.ts';
import {
  CHANNELS,
  INTAKE_LIMITS,
  checkIntake,
  isNotCovered,
  type IntakeInput,
} from '../intake/intake.rules.ts';
import { SEARCH_LIMIT } from './queue.service.ts';
import { serviceInformation, type ServiceInformation } from '../information/service-information.ts';
import { informationPath } from '../information/service-information.pages.ts';
import { searchServices, serviceWords } from '../../register/service-search.ts';
import {
  DESCRIPTION_LIMIT,
  formText,
  formToken,
  formValues,
  inFieldOrder,
  newFormToken,
  postcodeProblem,
  streetProblem,
  type Form,
} from '../shared/form-input.ts';

const STATES = { open: 'In hand', overdue: 'Overdue', closed: 'Finished', all: 'All' } as const;
type State = keyof typeof STATES;

/** How staff take contacts: the self-service channels (web, app, kiosk, Open311) are residents' own. */
export const DESK_CHANNELS: readonly Channel[] = ['phone', 'face_to_face', 'email'];

/** The fields of "take a request", in the order the page shows them (the error summary follows it). */
export const DESK_INTAKE_FIELDS = [
  'find',
  'service',
  'postcode',
  'choose',
  'address',
  'description',
  'channel',
  'accessPoint',
  'frontDoor',
  'reporterName',
  'reporterEmail',
  'reporterPhone',
  'resolved',
  'resolution',
  'token',
] as const;
type DeskIntakeValues = Partial<Record<(typeof DESK_INTAKE_FIELDS)[number], string>>;

/** What is wrong with the postcode of the place, or nothing. */
const placePostcodeProblem = (text: string): string | undefined =>
  text.trim() === '' ? 'Enter the postcode of the place, like EX1 1AE' : postcodeProblem(text, false);

/** Messages in the order of the form's fields. */
const inFormOrder = (errors: Record<string, string>) => inFieldOrder(errors, DESK_INTAKE_FIELDS);

/**
 * Reads "take a request" into an IntakeInput, with a message per field; what was typed is kept as
 * it was. `frontDoors` are the organisations the person may take contacts for: with several, the
 * one chosen must be among them. Pure: whether the service and place exist is checked later.
 */
export function parseDeskIntake(
  body: Form,
  frontDoors: readonly number[],
): { values: DeskIntakeValues; errors: Record<string, string>; input?: IntakeInput } {
  const values: DeskIntakeValues = formValues(body, DESK_INTAKE_FIELDS);
  const errors: Record<string, string> = {};
  const serviceText = values.service?.trim() ?? '';
  if (serviceText === '') errors.service = 'Select the service the request is about';
  else if (!/^[1-9][0-9]{0,8}$/.test(serviceText)) errors.service = 'Select a service from the list';
  const problem = placePostcodeProblem(values.postcode ?? '');
  if (problem) errors.postcode = problem;
  else {
    const street = streetProblem(values.postcode ?? '', values.address);
    if (street) errors.address = street;
  }
  const choose = values.choose?.trim() ?? '';
  const chooseOrgId = parseId(choose);

  const channel = values.channel?.trim() ?? '';
  if (!(DESK_CHANNELS as readonly string[]).includes(channel)) {
    errors.channel = 'Select how the person got in touch';
  }
  const accessPoint = values.accessPoint?.trim() ?? '';
  if (channel === 'face_to_face' && accessPoint === '') {
    errors.accessPoint = 'Enter the one-stop shop or access point where you met the person';
  }
  let frontDoorOrgId = frontDoors.length === 1 ? frontDoors[0] : undefined;
  if (frontDoors.length > 1) {
    const chosen = Number(values.frontDoor?.trim() ?? '');
    if (values.frontDoor?.trim() && frontDoors.includes(chosen)) frontDoorOrgId = chosen;
    else errors.frontDoor = 'Select whose front door took the contact';
  }
  const resolved = values.resolved?.trim() ?? '';
  if (resolved !== 'yes' && resolved !== 'no') {
    errors.resolved = 'Select whether you resolved it while the person was in touch';
  }

  const input: IntakeInput = {
    lgslCode: Number(serviceText),
    postcode: values.postcode?.trim() ?? '',
    ...(chooseOrgId !== undefined ? { chooseOrgId } : {}),
    description: values.description ?? '',
    channel: channel as Channel,
    ...(accessPoint ? { accessPoint } : {}),
    ...(frontDoorOrgId !== undefined ? { frontDoorOrgId } : {}),
    ...(values.address?.trim() ? { address: values.address.trim() } : {}),
    ...(values.reporterName?.trim() ? { reporterName: values.reporterName } : {}),
    ...(values.reporterEmail?.trim() ? { reporterEmail: values.reporterEmail } : {}),
    ...(values.reporterPhone?.trim() ? { reporterPhone: values.reporterPhone } : {}),
    ...(resolved === 'yes' ? { resolvedAtFirstContact: true, resolution: values.resolution ?? '' } : {}),
  };
  const checked = checkIntake(input);
  if (checked.description === 'Enter what you want to report or request') {
    checked.description = 'Enter what the person is asking for or reporting';
  }
  delete checked.channel; // said above in the desk's own words
  Object.assign(errors, checked);
  if (Object.keys(errors).length > 0) return { values, errors: inFormOrder(errors) };
  return { values, errors, input };
}

/** The organisation id in a case's address: one that could exist, or the case is not there. */
function caseOrgId(text: string): number {
  const orgId = parseId(text);
  if (orgId === undefined)
    throw notFound(`There is no case at this address: ${text.slice(0, 40)} is not an organisation.`);
  return orgId;
}

/** Who is responsible for a service at a place (or the councils it could be), and what they say. */
interface PlaceView {
  answer: ResponsibleAnswer;
  candidates: Array<{ value: string; text: string }>;
  information: ServiceInformation | null;
}

export const deskPages: FastifyPluginAsync = async (app) => {
  const { cases, register, responsible } = app.services;
  const db = app.services.database.db;
  const csrf = requireCsrfToken;

  const deskActor = (request: FastifyRequest): Promise<CaseActor> =>
    staffCaseActor(request.principal, (id) => register.partnershipMemberIds(id));

  async function showCase(
    reply: FastifyReply,
    actor: CaseActor,
    detail: CaseDetail,
    extra: {
      errors?: Record<string, string>;
      values?: Record<string, string>;
      done?: string;
      status?: number;
    } = {},
  ) {
    // The current status first (and chosen), then those the case may move to.
    const choices = statusChoices(detail.status).map((s) => ({
      value: s,
      text: s === detail.status ? `${CASE_STATUSES[s]} (now)` : CASE_STATUSES[s],
    }));
    const active = detail.status !== 'referred' && choices.length > 1;
    const key = {
      orgId: detail.orgId,
      providerOrgId: detail.provider.orgId,
      lgslCode: detail.service.lgslCode,
    };
    const canRefer = mayReferCase(actor, key) && detail.status !== 'referred' && !detail.closedAt;
    const targets = canRefer ? await cases.referralTargets(actor, detail.orgId, detail.reference) : [];
    return reply.code(extra.status ?? 200).page('desk-case.njk', {
      detail,
      channel: CHANNELS[detail.channel],
      brand: brandOf(detail.responsible),
      statusChoices: choices,
      canHandle: mayHandleCase(actor, key) && active,
      canNote: mayNoteCase(actor, key),
      canRefer,
      targets: targets.map((t) => ({ value: String(t.orgId), text: `${t.name} – ${t.why}` })),
      information: await serviceInformation(db, detail.orgId, detail.service.lgslCode),
      informationHref: actor.mayHandle(detail.orgId, detail.orgId, detail.service.lgslCode)
        ? informationPath(detail.orgId, detail.service.lgslCode)
        : null,
      errors: extra.errors,
      values: extra.values ?? {},
      done: extra.done,
    });
  }

  /** Someone who may take contacts at the front door of at least one organisation. */
  async function intakeActor(request: FastifyRequest): Promise<CaseActor> {
    const principal = request.principal;
    if (!principal) throw new ProblemError(401, 'Sign in required', 'Sign in to take requests.');
    const actor = await caseActorFor(principal, (id) => register.partnershipMemberIds(id));
    if (actor.frontDoorOrgs.length === 0) {
      throw forbidden('Your account does not let you take requests for residents.');
    }
    return actor;
  }

  /** Services a resident may ask staff about: live, front-line ones. */
  const takeable = (s: Service) => s.status !== 'Discontinued' && s.kind === 'front_line';

  /**
   * The services to choose from: all takeable ones, or those `find` matches (by name, common words
   * or LGSL number), with the one already chosen kept in the list. The services the actor's own
   * councils provide by their tier come first, so an agent finds their councils' work before the
   * rest; each option carries its common words for the autocomplete.
   */
  async function serviceItems(actor: CaseActor, find: string, chosen: string | undefined) {
    const all = (await register.services({})).filter(takeable);
    const doors = [...(await register.organisationSummaries([...actor.frontDoorOrgs])).values()];
    const tiers = new Set(
      doors.flatMap((o) =>
        o.kind === 'county'
          ? ['county', 'all']
          : o.kind === 'district'
            ? ['district', 'all']
            : ['unitary', 'metropolitan_district', 'london_borough'].includes(o.kind)
              ? ['county', 'district', 'all']
              : [],
      ),
    );
    const theirs = (s: Service) => s.providingTier !== null && tiers.has(s.providingTier);
    const ordered = [...all.filter(theirs), ...all.filter((s) => !theirs(s))];
    let list = find ? searchServices(ordered, find) : ordered;
    const kept = chosen ? all.find((s) => String(s.lgslCode) === chosen) : undefined;
    if (kept && !list.includes(kept)) list = [kept, ...list];
    return {
      own: doors.length > 0 && tiers.size > 0 ? doors.map((o) => o.name) : [],
      items: [
        {
          value: '',
          text: find
            ? `Choose from ${list.length} ${list.length === 1 ? 'service' : 'services'} matching “${find}”`
            : 'Choose a service',
        },
        ...list.map((s) => ({
          value: String(s.lgslCode),
          text: `${s.label} (LGSL ${s.lgslCode})`,
          attributes: { 'data-words': serviceWords(s.lgslCode) },
        })),
      ],
    };
  }

  /** A problem with the service or place, as the page says it, from a failed lookup. */
  function placeProblem(error: unknown, values: DeskIntakeValues): Record<string, string> | undefined {
    if (!(error instanceof ProblemError)) return undefined;
    if (error.status !== 400 && error.status !== 404 && !isNotCovered(error)) return undefined;
    if (error.extensions.code === 'unknown_service') {
      return { service: 'Select a service from the list' };
    }
    if (isNotCovered(error) || (error.status === 404 && error.extensions.outside === true)) {
      return { postcode: error.detail };
    }
    if (error.status === 404) {
      const postcode = (values.postcode ?? '').trim().toUpperCase();
      return {
        postcode: `We cannot find the postcode ${postcode}. Check it, or enter only its first part, like EX1`,
      };
    }
    return { postcode: error.detail };
  }

  /** Who is responsible for the service at the place, and what that council says about it. */
  async function lookUp(
    values: DeskIntakeValues,
  ): Promise<{ place?: PlaceView; errors: Record<string, string> }> {
    const code = parseIntCode(values.service) ?? 0;
    const found = code > 0 ? await register.services({ codes: [code] }) : [];
    if (!found[0] || !takeable(found[0])) return { errors: { service: 'Select a service from the list' } };
    const choose = parseId(values.choose);
    let answer: ResponsibleAnswer;
    try {
      answer = await responsible.find({
        service: code,
        postcode: values.postcode?.trim() ?? '',
        ...(choose !== undefined ? { choose } : {}),
      });
    } catch (error) {
      const errors = placeProblem(error, values);
      if (errors) return { errors };
      throw error;
    }
    if (answer.status !== 'resolved' && answer.candidates.length === 0) {
      return {
        errors: { postcode: 'We cannot tell which council looks after this place. Enter the full postcode' },
      };
    }
    return { place: await placeView(answer), errors: {} };
  }

  async function placeView(answer: ResponsibleAnswer): Promise<PlaceView> {
    return {
      answer,
      candidates:
        answer.candidates.length > 1
          ? answer.candidates.map((c) => ({ value: String(c.orgId), text: c.name }))
          : [],
      information:
        answer.status === 'resolved' && answer.responsible && answer.service
          ? await serviceInformation(db, answer.responsible.orgId, answer.service.lgslCode)
          : null,
    };
  }

  async function showIntake(
    reply: FastifyReply,
    actor: CaseActor,
    values: DeskIntakeValues,
    extra: {
      errors?: Record<string, string>;
      place?: PlaceView | undefined;
      status?: number;
      alreadySent?: boolean;
      find?: string;
    } = {},
  ) {
    // What was typed (a resident's name, email and telephone) is not kept by the browser's cache.
    reply.header('cache-control', 'no-store');
    const doors = await register.organisationSummaries([...actor.frontDoorOrgs]);
    const frontDoors = [...doors.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((o) => ({ value: String(o.orgId), text: o.name }));
    const place = extra.place;
    // The words the list was narrowed by stay with the form, so it comes back as the person left it.
    const find = extra.find ?? values.find?.trim() ?? '';
    const choices = await serviceItems(actor, find, values.service?.trim());
    return reply.code(extra.status ?? 200).page('desk-new.njk', {
      values,
      errors: inFormOrder(extra.errors ?? {}),
      alreadySent: extra.alreadySent ?? false,
      find,
      services: choices.items,
      ownCouncils: choices.own,
      channels: DESK_CHANNELS.map((c) => ({ value: c, text: CHANNELS[c] })),
      frontDoors:
        frontDoors.length > 1 ? [{ value: '', text: 'Choose an organisation' }, ...frontDoors] : null,
      frontDoorName: frontDoors.length === 1 ? frontDoors[0]!.text : null,
      descriptionLimit: DESCRIPTION_LIMIT,
      limits: INTAKE_LIMITS,
      place: place && {
        resolved: place.answer.status === 'resolved',
        coverage: place.answer.coverage,
        service: place.answer.service,
        postcode: place.answer.place?.query ?? values.postcode?.trim().toUpperCase(),
        responsible: place.answer.responsible,
        provider: place.answer.provider,
        reason: place.answer.reason,
        candidates: place.candidates,
        information: place.information,
        informationHref:
          place.answer.responsible &&
          place.answer.service &&
          actor.mayHandle(
            place.answer.responsible.orgId,
            place.answer.responsible.orgId,
            place.answer.service.lgslCode,
          )
            ? informationPath(place.answer.responsible.orgId, place.answer.service.lgslCode)
            : null,
      },
    });
  }

  app.get<{ Querystring: Form }>('/desk/new', async function showDeskIntake(request, reply) {
    const actor = await intakeActor(request);
    const find = formText(request.query, 'find').trim();
    const service = formText(request.query, 'service').trim();
    return showIntake(
      reply,
      actor,
      { token: newFormToken(), ...(/^[1-9][0-9]{0,8}$/.test(service) ? { service } : {}) },
      { find },
    );
  });

  app.post<{ Body: Form }>('/desk/new', { preHandler: csrf }, async function takeDeskContact(request, reply) {
    const actor = await intakeActor(request);
    const body = request.body ?? {};
    const form = parseDeskIntake(body, actor.frontDoorOrgs);
    const token = formToken(form.values.token);
    const values: DeskIntakeValues = { ...form.values, token };
    const placeOk = !form.errors.service && !form.errors.postcode;

    if (formText(body, 'action') === 'check') {
      // Only who is responsible and what they say: nothing is opened, and other answers wait.
      const errors = Object.fromEntries(
        Object.entries(form.errors).filter(([f]) => f === 'service' || f === 'postcode'),
      );
      const found = placeOk ? await lookUp(values) : { errors: {} };
      const all = { ...errors, ...found.errors };
      return showIntake(reply, actor, values, {
        errors: all,
        place: found.place,
        status: Object.keys(all).length > 0 ? 400 : 200,
      });
    }

    if (!form.input) {
      const found = placeOk ? await lookUp(values) : { errors: {} };
      return showIntake(reply, actor, values, {
        errors: { ...form.errors, ...found.errors },
        place: found.place,
        status: 400,
      });
    }
    const service = (await register.services({ codes: [form.input.lgslCode] }))[0];
    if (!service || !takeable(service)) {
      return showIntake(reply, actor, values, {
        errors: { service: 'Select a service from the list' },
        status: 400,
      });
    }

    try {
      const result = await cases.intake(actor, form.input, {
        caller: `desk:${actor.accountId ?? 'staff'}`,
        key: token,
      });
      if (result.outcome === 'opened') {
        const opened = result.case;
        return reply.redirect(
          `/desk/cases/${opened.responsible.orgId}/${encodeURIComponent(opened.reference)}?done=created`,
          303,
        );
      }
      if (result.candidates.length === 0) {
        return showIntake(reply, actor, values, {
          errors: {
            postcode: 'We cannot tell which council looks after this place. Enter the full postcode',
          },
          status: 400,
        });
      }
      // The place could be more than one council's: ask which, with every answer still on the form.
      const chosen = form.input.chooseOrgId !== undefined;
      return showIntake(reply, actor, values, {
        place: await placeView(result.answer),
        errors: chosen ? { choose: 'Select one of the council areas listed' } : {},
        status: chosen ? 400 : 200,
      });
    } catch (error) {
      if (error instanceof ValidationProblem) {
        return showIntake(reply, actor, values, { errors: error.fields, status: 400 });
      }
      if (error instanceof ProblemError && isNotCovered(error)) {
        const found = await lookUp(values);
        return showIntake(reply, actor, values, {
          errors: { postcode: error.detail },
          place: found.place,
          status: 422,
        });
      }
      if (error instanceof ProblemError && error.status === 422) {
        // This form's token already opened a case with other answers: keep what was typed, and
        // give the form a new token so that sending it again opens a new case.
        return showIntake(
          reply,
          actor,
          { ...values, token: newFormToken() },
          { alreadySent: true, status: 409 },
        );
      }
      const errors = placeProblem(error, values);
      if (errors) return showIntake(reply, actor, values, { errors, status: 400 });
      throw error;
    }
  });

  app.get<{ Querystring: Form }>('/desk', async function showDeskQueues(request, reply) {
    const actor = await deskActor(request);
    const q = request.query;
    const state = (Object.hasOwn(STATES, formText(q, 'state')) ? formText(q, 'state') : 'open') as State;
    const lgsl = parseIntCode(formText(q, 'service')) ?? 0;
    const team = parseId(formText(q, 'team')) ?? 0;
    // A filter given but not a code or an organisation names no queue: say so, not show another.
    if (formText(q, 'service').trim() !== '' && lgsl === 0) {
      throw badRequest('The service in the address must be an LGSL service code, like 524.');
    }
    if (formText(q, 'team').trim() !== '' && team === 0) {
      throw badRequest('The team in the address must be the number of an organisation.');
    }
    // A search longer than the service looks for is refused on its field, with what was typed kept.
    const typed = formText(q, 'q').trim();
    const errors =
      typed.length > SEARCH_LIMIT
        ? {
            q: `Find a case must be ${SEARCH_LIMIT} characters or fewer (you entered ${typed.length.toLocaleString('en-GB')})`,
          }
        : undefined;
    const search = errors ? '' : typed;
    const view = await cases.queue(actor, {
      state,
      ...(Number.isInteger(lgsl) && lgsl > 0 ? { lgslCode: lgsl } : {}),
      ...(Number.isSafeInteger(team) && team > 0 ? { providerOrgId: team } : {}),
      ...(search ? { search } : {}),
    });
    const teamName = view.counts.find((c) => c.providerOrgId === team)?.providerName;
    return reply.code(errors ? 400 : 200).page('desk.njk', {
      errors,
      view,
      state,
      states: Object.entries(STATES).map(([value, label]) => ({
        value,
        text: label,
        selected: value === state,
      })),
      search: typed,
      service: Number.isInteger(lgsl) && lgsl > 0 ? lgsl : undefined,
      team: Number.isSafeInteger(team) && team > 0 ? team : undefined,
      teamName,
      canTake: actor.frontDoorOrgs.length > 0,
    });
  });

  app.get<{ Params: { org: string; reference: string }; Querystring: Form }>(
    '/desk/cases/:org/:reference',
    async function showDeskCase(request, reply) {
      const actor = await deskActor(request);
      const detail = await cases.detail(actor, caseOrgId(request.params.org), request.params.reference);
      return showCase(reply, actor, detail, { done: formText(request.query, 'done') || undefined });
    },
  );

  /** Runs a change; on a refusal the case is shown again with the message and what was typed. */
  async function change(
    request: FastifyRequest<{ Params: { org: string; reference: string }; Body: Form }>,
    reply: FastifyReply,
    done: string,
    field: string,
    run: (actor: CaseActor, orgId: number, reference: string, form: Form) => Promise<CaseDetail>,
  ) {
    const actor = await deskActor(request);
    const orgId = caseOrgId(request.params.org);
    const form = request.body ?? {};
    try {
      const detail = await run(actor, orgId, request.params.reference, form);
      return reply.redirect(`/desk/cases/${orgId}/${detail.reference}?done=${done}`, 303);
    } catch (error) {
      const values = Object.fromEntries(Object.keys(form).map((k) => [k, formText(form, k)]));
      if (error instanceof ValidationProblem || (error instanceof ProblemError && error.status === 409)) {
        const errors = error instanceof ValidationProblem ? error.fields : { [field]: error.detail };
        const detail = await cases.detail(actor, orgId, request.params.reference);
        return showCase(reply, actor, detail, { errors, values, status: error.status });
      }
      throw error;
    }
  }

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/status',
    { preHandler: csrf },
    function changeCaseStatus(request, reply) {
      return change(request, reply, 'status', 'status', (actor, orgId, reference, form) => {
        const status = formText(form, 'status');
        if (!Object.hasOwn(CASE_STATUSES, status))
          throw new ValidationProblem({ status: 'Choose the status the case is now at' });
        return cases.changeStatus(actor, orgId, reference, {
          status: status as CaseStatus,
          publicNote: formText(form, 'publicNote'),
          internalNote: formText(form, 'internalNote'),
          expectedVersion: parseIntCode(formText(form, 'version')) ?? 0,
        });
      });
    },
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/notes',
    { preHandler: csrf },
    function addCaseNote(request, reply) {
      return change(request, reply, 'note', 'body', (actor, orgId, reference, form) =>
        cases.addNote(actor, orgId, reference, {
          body: formText(form, 'body'),
          visibility: formText(form, 'visibility') === 'public' ? 'public' : 'internal',
        }),
      );
    },
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/referral',
    { preHandler: csrf },
    function referCase(request, reply) {
      return change(request, reply, 'referred', 'toOrgId', (actor, orgId, reference, form) => {
        const to = parseId(formText(form, 'toOrgId')) ?? 0;
        if (to === 0) {
          throw new ValidationProblem({ toOrgId: 'Choose who the case belongs to' });
        }
        return cases.refer(actor, orgId, reference, {
          toOrgId: to,
          reason: formText(form, 'reason'),
          residentMessage: formText(form, 'residentMessage'),
          expectedVersion: parseIntCode(formText(form, 'version')) ?? 0,
        });
      });
    },
  );
};
