/**
 * The front door's pages for residents: report a problem or request a service without knowing
 * which council or partner runs it, choose the council area where a postcode could be more than
 * one council's, get a reference, and follow it. Every page works without JavaScript; the
 * confirmation and tracking pages are in the responsible council's brand and show no personal data.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ProblemError, ValidationProblem } from '../../platform/index.ts';
import { requireCsrfToken } from '../../platform/index.ts';
import { brandOf } from '../../platform/index.ts';
import type { ResponsibleAnswer } from '../../register/index.ts';
import type { CaseStatus } from '../../db/index.ts';
import { RESIDENT } from '../cases/case-actor.ts';
import { CASE_STATUSES, isFinished } from '../cases/case-status.ts';
import { REFERENCE_EXAMPLE, normaliseReference } from '../cases/case-reference.ts';
import type { CaseEventView, CaseTracking } from '../cases/cases.types.ts';
import { INTAKE_LIMITS, isNotCovered } from '../intake/intake.rules.ts';
import { CARRIED_FIELDS, inFormOrder, parseReportForm, type ReportFormValues } from './resident.form.ts';
import { DESCRIPTION_LIMIT, formText, formToken, newFormToken, type Form } from '../shared/form-input.ts';
import { REPORTABLE_SERVICES } from '../../register/index.ts';

/** What each kind of public event is called on the resident's timeline. */
const EVENT_HEADINGS: Record<string, string> = {
  opened: 'Report received',
  message: 'Message from the council',
  referred_out: 'Passed to another organisation',
  referred_in: 'Taken on',
  paused: 'Waiting for information from you',
  resumed: 'Work started again',
  resolved_at_first_contact: 'Dealt with when you got in touch',
  update_received: 'Update received',
  assigned: 'Passed to the team that deals with it',
};

function eventHeading(event: CaseEventView): string {
  if (event.kind === 'status' && event.status) return `Status: ${CASE_STATUSES[event.status].toLowerCase()}`;
  return EVENT_HEADINGS[event.kind] ?? 'Update';
}

/** The status tag's colour: green when finished, grey when passed on, blue while in hand. */
function statusClass(status: CaseStatus): string {
  if (isFinished(status)) return 'govuk-tag--green';
  if (status === 'referred') return 'govuk-tag--grey';
  return 'govuk-tag--blue';
}

export const residentPages: FastifyPluginAsync = async (app) => {
  const { cases, register } = app.services;
  const csrf = requireCsrfToken;

  /** The services residents commonly report, labelled from the service catalogue. */
  async function serviceItems() {
    const found = new Map(
      (await register.services({ codes: REPORTABLE_SERVICES.map((s) => s.lgslCode) })).map((s) => [
        s.lgslCode,
        s,
      ]),
    );
    return REPORTABLE_SERVICES.filter((s) => found.has(s.lgslCode)).map((s) => ({
      value: String(s.lgslCode),
      text: found.get(s.lgslCode)!.label,
      hint: { text: s.hint },
    }));
  }

  async function showForm(
    reply: FastifyReply,
    values: ReportFormValues,
    extra: {
      errors?: Record<string, string>;
      status?: number;
      alreadySent?: boolean;
      /** A council this service does not take reports for: who it is and where to go instead. */
      outside?: { name: string; homepageUrl: string | null };
    } = {},
  ) {
    // What a person typed (perhaps their name and email address) is not kept by the browser's cache.
    reply.header('cache-control', 'no-store');
    return reply.code(extra.status ?? 200).page('report.njk', {
      values,
      errors: extra.errors ?? {},
      alreadySent: extra.alreadySent ?? false,
      outside: extra.outside,
      services: await serviceItems(),
      descriptionLimit: DESCRIPTION_LIMIT,
      limits: INTAKE_LIMITS,
    });
  }

  function showChoice(
    reply: FastifyReply,
    values: ReportFormValues,
    answer: ResponsibleAnswer,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    reply.header('cache-control', 'no-store');
    return reply.code(status).page('report-choose.njk', {
      values,
      errors,
      carried: CARRIED_FIELDS.map((name) => ({ name, value: values[name] ?? '' })),
      candidates: answer.candidates.map((c) => ({ value: String(c.orgId), text: c.name })),
      service: answer.service,
      postcode: answer.place?.query ?? values.postcode?.trim().toUpperCase(),
      reason: answer.reasons.find((r) => r.rule === 'place')?.text ?? answer.reason,
    });
  }

  app.get<{ Querystring: Form }>('/report', async function showReportForm(request, reply) {
    const service = formText(request.query, 'service');
    return showForm(reply, {
      token: newFormToken(),
      ...(REPORTABLE_SERVICES.some((s) => String(s.lgslCode) === service) ? { service } : {}),
    });
  });

  app.post<{ Body: Form }>('/report', { preHandler: csrf }, async function takeReport(request, reply) {
    const form = parseReportForm(request.body ?? {});
    const token = formToken(form.values.token);
    const values: ReportFormValues = { ...form.values, token };

    if (!form.input) {
      const aboutTheChoice = Object.keys(form.errors).every((f) => f === 'choose' || f === 'fullPostcode');
      if (form.step === 'choose' && aboutTheChoice) {
        // The earlier answers were fine: ask again which council area, with the same candidates.
        const earlier = parseReportForm({ ...request.body, step: 'report' }).input;
        if (earlier) {
          const answer = await app.services.responsible.find({
            service: earlier.lgslCode,
            postcode: earlier.postcode!,
          });
          if (answer.status === 'ambiguous' && answer.candidates.length > 0) {
            return showChoice(reply, values, answer, form.errors, 400);
          }
        }
      }
      return showForm(reply, values, { errors: form.errors, status: 400 });
    }

    try {
      const result = await cases.intake(RESIDENT, form.input, { caller: `web:${token}`, key: token });
      if (result.outcome === 'opened') {
        return reply.redirect(`/report/done/${encodeURIComponent(result.case.reference)}`, 303);
      }
      if (result.candidates.length === 0) {
        return showForm(reply, values, {
          errors: {
            postcode: 'We cannot tell which council looks after this place. Enter the full postcode',
          },
          status: 400,
        });
      }
      const chosen = form.input.chooseOrgId !== undefined;
      return showChoice(
        reply,
        values,
        result.answer,
        chosen ? { choose: 'Select one of the council areas listed, or give the full postcode' } : {},
        chosen ? 400 : 200,
      );
    } catch (error) {
      if (error instanceof ValidationProblem) {
        return showForm(reply, values, { errors: inFormOrder(error.fields), status: 400 });
      }
      if (error instanceof ProblemError && isNotCovered(error)) {
        // Someone else is responsible there: say who, and where to go; keep what was typed.
        const responsible = error.extensions.responsible as { name: string } | null;
        return showForm(reply, values, {
          errors: { postcode: error.detail },
          status: 422,
          ...(responsible
            ? {
                outside: {
                  name: responsible.name,
                  homepageUrl: (error.extensions.homepageUrl as string | null) ?? null,
                },
              }
            : {}),
        });
      }
      if (error instanceof ProblemError && error.status === 422) {
        // This form's token opened a case with other answers (the person went back and changed
        // them): keep what they typed and give the form a new token, so sending it again is new.
        return showForm(reply, { ...values, token: newFormToken() }, { alreadySent: true, status: 409 });
      }
      if (error instanceof ProblemError && (error.status === 400 || error.status === 404)) {
        if (error.extensions.code === 'unknown_service') {
          return showForm(reply, values, {
            errors: { service: 'Select what you want to report from the list' },
            status: 400,
          });
        }
        // The place: the full postcode given on the choice page goes back in the postcode field.
        const postcode =
          form.step === 'choose' && values.choose === 'postcode' ? values.fullPostcode : undefined;
        return showForm(reply, postcode === undefined ? values : { ...values, postcode }, {
          errors: {
            postcode:
              error.status === 404 && error.extensions.outside === true
                ? error.detail
                : error.status === 404
                  ? `We cannot find the postcode ${(postcode ?? values.postcode ?? '').trim().toUpperCase()}. Check it, or enter only its first part, like EX1`
                  : error.detail,
          },
          status: error.status,
        });
      }
      throw error;
    }
  });

  /** A case as its reference's holder may see it, or undefined when there is none. */
  async function tracked(reference: string): Promise<CaseTracking | undefined> {
    try {
      return await cases.track(reference);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) return undefined;
      throw error;
    }
  }

  const notFoundPage = (reply: FastifyReply, reference: string) =>
    reply.code(404).page('track.njk', {
      values: { reference },
      errors: {
        reference: `There is no report with the reference ${reference.trim().toUpperCase()}. Check it and try again`,
      },
    });

  app.get<{ Params: { reference: string } }>(
    '/report/done/:reference',
    async function showReportDone(request, reply) {
      const report = await tracked(request.params.reference);
      if (!report) return notFoundPage(reply, request.params.reference);
      return reply.page('report-done.njk', { report, brand: brandOf(report.responsible) });
    },
  );

  app.get<{ Querystring: Form }>('/track', async function showTrackForm(request, reply) {
    if (!('reference' in request.query)) return reply.page('track.njk', { values: {}, errors: {} });
    const typed = formText(request.query, 'reference');
    if (typed.trim() === '') {
      return reply.code(400).page('track.njk', {
        values: { reference: typed },
        errors: { reference: 'Enter your reference' },
      });
    }
    const reference = normaliseReference(typed);
    if (!reference) {
      return reply.code(400).page('track.njk', {
        values: { reference: typed },
        errors: { reference: `Enter your reference as it was given to you, like ${REFERENCE_EXAMPLE}` },
      });
    }
    return reply.redirect(`/track/${encodeURIComponent(reference)}`, 303);
  });

  app.get<{ Params: { reference: string } }>(
    '/track/:reference',
    async function showTrackedCase(request, reply) {
      const report = await tracked(request.params.reference);
      if (!report) return notFoundPage(reply, request.params.reference.slice(0, 100));
      return reply.page('track-case.njk', {
        report,
        brand: brandOf(report.responsible),
        statusClass: statusClass(report.status),
        history: [...report.events].reverse().map((e) => ({ ...e, heading: eventHeading(e) })),
      });
    },
  );
};
