/**
 * "Take a request" (`/desk/new`), for contact-centre and one-stop-shop staff: a contact by phone,
 * face to face or email for any service of any partner, opened as a case for the council
 * responsible at that place, with the channel, the access point, the front door that took it and
 * whether it was resolved there and then. "Check" shows who is responsible and the responsible
 * council's own information about the service (fees, policy, links), so an agent answers for it.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseId, parseIntCode } from '../../platform/index.ts';
import { ProblemError, ValidationProblem, forbidden } from '../../platform/index.ts';
import { requireCsrfToken } from '../../platform/index.ts';
import type { ResponsibleAnswer } from '../../register/index.ts';
import type { Service } from '../../register/index.ts';
import { searchServices, serviceWords } from '../../register/index.ts';
import { caseActorFor, type CaseActor } from '../cases/case-actor.ts';
import { CHANNELS, INTAKE_LIMITS, isNotCovered } from '../intake/intake.rules.ts';
import type { ServiceInformation } from '../information/service-information.ts';
import { informationPath } from '../information/service-information.pages.ts';
import { DESCRIPTION_LIMIT, formText, formToken, newFormToken, type Form } from '../shared/form-input.ts';
import { DESK_CHANNELS, inFormOrder, parseDeskIntake, type DeskIntakeValues } from './desk-intake.form.ts';

/** Who is responsible for a service at a place (or the councils it could be), and what they say. */
interface PlaceView {
  answer: ResponsibleAnswer;
  candidates: Array<{ value: string; text: string }>;
  information: ServiceInformation | null;
}

export const deskIntakePages: FastifyPluginAsync = async (app) => {
  const { cases, register, responsible, information } = app.services;
  const csrf = requireCsrfToken;

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
          ? await information.of(answer.responsible.orgId, answer.service.lgslCode)
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
};
