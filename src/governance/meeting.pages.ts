/**
 * The public pages of a council's bodies and meetings, in the council's own brand, and the forms
 * of its democratic services officer on them:
 * - `/organisations/{key}/bodies`: the bodies it keeps and the joint bodies it sits on;
 * - `/organisations/{key}/bodies/{bodyId}`: a body's current and past members, its upcoming and
 *   past meetings and its calendar feed (`…/calendar.ics`); forms to add a member, end a term and
 *   schedule a meeting;
 * - `/organisations/{key}/meetings/{meetingId}`: the agenda, papers with their type and size, and
 *   the minutes once published; forms to reschedule or cancel, add an item, upload a paper,
 *   record an item's minute and publish the minutes;
 * - `/organisations/{key}/papers/{paperId}`: a paper's file, always as a download;
 * - `/organisations/{key}/minutes`: the council's meetings with published minutes.
 * `{key}` is the organisation's GOV.UK slug, GSS code or id, as on its own page. Who may do what
 * is the meeting service's to decide; a refused form comes back with an error summary and what was
 * typed, and nothing written.
 */
import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { PAPER_MAX_BYTES } from '../db/index.ts';
import {
  parseId,
  bannerFor,
  brandOf,
  londonWallClock,
  notFound,
  requireCsrfToken,
  ProblemError,
  ValidationProblem,
} from '../platform/index.ts';
import { governanceActorFor, type GovernanceActor } from './governance-actor.ts';
import { bodyCalendar } from './meeting.calendar.ts';
import { londonInstant, parseClock } from './meeting-rules.ts';
import {
  MEETING_LIMITS,
  MEMBER_KINDS,
  PAPER_KINDS,
  type MeetingInput,
  type MeetingPage,
  type MeetingSummary,
} from './meeting.service.ts';
import { PAPER_TYPE_WORDS, attachmentHeader, sizeWords } from './paper-check.ts';
import { dateFrom } from '../platform/index.ts';

type Values = Record<string, string>;
type Errors = Record<string, string>;
interface PageState {
  form?: string;
  errors?: Errors;
  values?: Values;
}

const OrgKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
const Digits = Type.String({ minLength: 1, maxLength: 16, pattern: '^[0-9]+$' });
const KeyParams = Type.Object({ key: OrgKey });
const BodyParams = Type.Object({ key: OrgKey, bodyId: Digits });
const MeetingParams = Type.Object({ key: OrgKey, meetingId: Digits });
const PaperParams = Type.Object({ key: OrgKey, paperId: Digits });
const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);

/** The longest any text field may be at the edge; the service states each field's own limit. */
const EDGE = 10_000;
const field = () => Type.Optional(Type.String({ maxLength: EDGE }));
const formOf = (names: readonly string[]) =>
  Type.Object(
    Object.fromEntries([
      ['_csrf', Type.Optional(Type.String({ maxLength: 500 }))],
      ...names.map((n) => [n, field()]),
    ]),
    {
      additionalProperties: true,
    },
  );
const date = (prefix: string) => [`${prefix}-day`, `${prefix}-month`, `${prefix}-year`];

const FORMS = {
  'add-member': [
    'member-name',
    'member-kind',
    'member-role',
    'member-represents',
    'member-voting',
    ...date('member-from'),
    ...date('member-to'),
  ],
  'end-term': ['end-member', ...date('end-on')],
  schedule: [...date('meeting-date'), 'meeting-start', 'meeting-end', 'meeting-location'],
  reschedule: [...date('meeting-date'), 'meeting-start', 'meeting-end', 'meeting-location'],
  cancel: [],
  'add-item': ['item-title', 'item-summary', 'item-exempt', 'item-reason', 'item-proposal'],
  'upload-paper': ['paper-title', 'paper-kind', 'paper-item', 'paper-exempt'],
  'record-minute': ['minute-item', 'minute-reference', 'minute-text'],
  publish: ['publish-confirmed'],
} as const;
type FormId = keyof typeof FORMS;

const BANNERS: Record<string, string> = {
  member: 'The member is added.',
  ended: 'The term of office is ended.',
  scheduled: 'The meeting is scheduled.',
  rescheduled: 'The meeting is rescheduled: calendars that follow the feed will show the new time.',
  cancelled: 'The meeting is cancelled.',
  item: 'The item is added to the agenda.',
  paper: 'The paper is uploaded.',
  minute: 'The minute is recorded.',
  published: 'The minutes are published.',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a form sent, as text: the first of a repeated field, nothing for anything else. */
function valuesOf(body: unknown, fields: readonly string[]): Values {
  const form = isRecord(body) ? body : {};
  const values: Values = {};
  for (const name of fields) {
    const raw = Array.isArray(form[name]) ? (form[name] as unknown[])[0] : form[name];
    if (typeof raw === 'string') values[name] = raw.slice(0, EDGE);
  }
  return values;
}

export const orgKeyOf = (org: { jurisdiction: string | null; gss: string | null; orgId: number }) =>
  encodeURIComponent(org.jurisdiction ?? org.gss ?? String(org.orgId));

const wallDate = (iso: string) => londonWallClock(new Date(iso));
const clockText = (iso: string) => {
  const c = wallDate(iso);
  return `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
};

/** A meeting's time from its form: the page's own messages for what it cannot read. */
function meetingFrom(values: Values): { input: MeetingInput; errors: Errors } {
  const errors: Errors = {};
  const day = dateFrom(values, 'meeting-date', 'the date of the meeting');
  if (day.error) errors['meeting-date-day'] = day.error;
  const start = parseClock(values['meeting-start'] ?? '');
  if (!start) errors['meeting-start'] = 'Enter the time the meeting starts, like 14:00';
  const endText = (values['meeting-end'] ?? '').trim();
  const end = endText === '' ? null : parseClock(endText);
  if (end === undefined)
    errors['meeting-end'] = 'Enter the time the meeting ends, like 17:30, or leave it empty';
  const startsAt = day.iso && start ? londonInstant(day.iso, start.hour, start.minute) : undefined;
  if (day.iso && start && !startsAt)
    errors['meeting-start'] = 'That time does not exist in London on that day (the clocks go forward)';
  let endsAt: Date | null = null;
  if (end) {
    const instant = day.iso ? londonInstant(day.iso, end.hour, end.minute) : undefined;
    if (day.iso && !instant)
      errors['meeting-end'] = 'That time does not exist in London on that day (the clocks go forward)';
    endsAt = instant ?? null;
  }
  return { input: { startsAt, endsAt, location: values['meeting-location'] ?? '' }, errors };
}

/** The service's field names on each form, so its messages land by the right field. */
const NAMES: Record<FormId, Record<string, string>> = {
  'add-member': {
    name: 'member-name',
    kind: 'member-kind',
    role: 'member-role',
    representsOrgId: 'member-represents',
    termFrom: 'member-from-day',
    termTo: 'member-to-day',
  },
  'end-term': { memberId: 'end-member', termTo: 'end-on-day' },
  schedule: { startsAt: 'meeting-date-day', endsAt: 'meeting-end', location: 'meeting-location' },
  reschedule: { startsAt: 'meeting-date-day', endsAt: 'meeting-end', location: 'meeting-location' },
  cancel: {},
  'add-item': {
    title: 'item-title',
    summary: 'item-summary',
    exemptReason: 'item-reason',
    proposalId: 'item-proposal',
  },
  'upload-paper': {
    title: 'paper-title',
    kind: 'paper-kind',
    itemPosition: 'paper-item',
    file: 'paper-file',
  },
  'record-minute': { position: 'minute-item', minuteReference: 'minute-reference', minute: 'minute-text' },
  publish: { confirmed: 'publish-confirmed', publish: 'publish' },
};

function errorsOn(form: FormId, fields: Record<string, string>): Errors {
  const errors: Errors = {};
  for (const [name, message] of Object.entries(fields)) {
    const key = NAMES[form][name] ?? form;
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return errors;
}

interface Upload {
  fileName: string;
  bytes: Buffer;
  truncated: boolean;
}
/** The file a multipart form sent, read whole (up to the limit) before the handler runs. */
const uploads = new WeakMap<FastifyRequest, Upload>();

const PAPER_ROUTE = '/organisations/:key/meetings/:meetingId/papers';

/**
 * Multipart forms, read before any route's checks so that the session's CSRF check (which runs
 * for every change) finds the form's token: registered by the server ahead of authentication.
 * One file and a few short fields; the file is kept (up to the paper limit) only for the paper
 * upload route, and read and dropped on any other.
 */
export const paperUploads = fp(
  async (app) => {
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: PAPER_MAX_BYTES, files: 1, fields: 20, fieldSize: EDGE, parts: 22 },
      async onFile(part) {
        const keep = this.routeOptions.url === PAPER_ROUTE && part.fieldname === 'paper-file';
        const chunks: Buffer[] = [];
        for await (const chunk of part.file as AsyncIterable<Buffer>) if (keep) chunks.push(chunk);
        if (keep)
          uploads.set(this, {
            fileName: part.filename ?? '',
            bytes: Buffer.concat(chunks),
            truncated: part.file.truncated,
          });
      },
    });
  },
  { name: 'jointly-paper-uploads', fastify: '5.x' },
);

export const meetingPages: FastifyPluginAsync = async (app) => {
  const { meetings, register, config } = app.services;
  const actorOf = (request: FastifyRequest): GovernanceActor => governanceActorFor(request.principal);
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };

  async function organisation(key: string) {
    return register.organisation(key);
  }

  const idOf = (text: string, what: string): number => {
    const id = parseId(text);
    if (id === undefined) throw notFound(`There is no ${what} ${String(text).slice(0, 20)}.`);
    return id;
  };

  const refused = (request: FastifyRequest): string | undefined =>
    request.validationError
      ? String((request.validationError as { validationContext?: unknown }).validationContext ?? 'request')
      : undefined;

  app.get<{ Params: { key: string } }>(
    '/organisations/:key/bodies',
    { schema: { hide: true, params: KeyParams } },
    async (request, reply) => {
      const org = await organisation(request.params.key);
      const key = orgKeyOf(org);
      const { own, representedOn } = await meetings.bodies(org.orgId);
      return reply.page('bodies.njk', {
        title: `Committees and meetings – ${org.name}`,
        org,
        brand: brandOf(org),
        own: own.map((b) => ({ ...b, href: `/organisations/${key}/bodies/${b.bodyId}` })),
        representedOn: await Promise.all(
          representedOn.map(async (b) => {
            const keeper = (await register.organisationSummaries([b.orgId])).get(b.orgId);
            return { ...b, href: `/organisations/${keeper ? orgKeyOf(keeper) : b.orgId}/bodies/${b.bodyId}` };
          }),
        ),
        minutesHref: `/organisations/${key}/minutes`,
        decisionsHref: `/organisations/${key}/decisions`,
        orgHref: `/organisations/${key}`,
      });
    },
  );

  /** A body's page, with its forms for the officer who keeps it and what a refused form said. */
  async function bodyPage(
    request: FastifyRequest<{ Params: { key: string; bodyId: string } }>,
    reply: FastifyReply,
    state: PageState = {},
    done = '',
  ) {
    const org = await organisation(request.params.key);
    const bodyId = idOf(request.params.bodyId, 'body');
    const view = await meetings.body(actorOf(request), org.orgId, bodyId);
    const key = orgKeyOf(org);
    const base = `/organisations/${key}/bodies/${bodyId}`;
    const meetingRow = (m: MeetingSummary) => ({
      ...m,
      href: `/organisations/${key}/meetings/${m.meetingId}`,
    });
    return reply.page('body.njk', {
      title: `${view.body.name} – ${org.name}`,
      org,
      brand: brandOf(org),
      view,
      base,
      bodiesHref: `/organisations/${key}/bodies`,
      calendarHref: `${base}/calendar.ics`,
      upcoming: view.upcoming.map(meetingRow),
      held: view.held.map(meetingRow),
      banner: bannerFor(BANNERS, done),
      kinds: Object.entries(MEMBER_KINDS).map(([value, text]) => ({ value, text })),
      limits: MEETING_LIMITS,
      form: state.form ?? '',
      errors: state.errors ?? {},
      values: state.values ?? {},
    });
  }

  app.get<{ Params: { key: string; bodyId: string }; Querystring: { done?: string } }>(
    '/organisations/:key/bodies/:bodyId',
    { schema: { hide: true, params: BodyParams, querystring: DoneQuery } },
    (request, reply) => bodyPage(request, reply, {}, request.query.done ?? ''),
  );

  app.get<{ Params: { key: string; bodyId: string } }>(
    '/organisations/:key/bodies/:bodyId/calendar.ics',
    { schema: { hide: true, params: BodyParams } },
    async (request, reply) => {
      const org = await organisation(request.params.key);
      const bodyId = idOf(request.params.bodyId, 'body');
      const { body, meetings: list } = await meetings.calendar(org.orgId, bodyId);
      const site = config.publicUrl.replace(/\/$/, '');
      const key = orgKeyOf(org);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `inline; filename="body-${bodyId}.ics"`)
        .send(
          bodyCalendar({
            body,
            keeperName: org.name,
            meetings: list,
            bodyUrl: `${site}/organisations/${key}/bodies/${bodyId}`,
            meetingUrl: (id) => `${site}/organisations/${key}/meetings/${id}`,
          }),
        );
    },
  );

  /** A meeting's page, with its forms for the officer who keeps it and what a refused form said. */
  async function meetingPage(
    request: FastifyRequest<{ Params: { key: string; meetingId: string } }>,
    reply: FastifyReply,
    state: PageState = {},
    done = '',
  ) {
    const org = await organisation(request.params.key);
    const meetingId = idOf(request.params.meetingId, 'meeting');
    const view: MeetingPage = await meetings.meeting(actorOf(request), org.orgId, meetingId);
    const key = orgKeyOf(org);
    const m = view.meeting;
    const start = wallDate(m.startsAt);
    const [year, month, day] = start.date.split('-');
    // The reschedule form starts from the meeting's own time and place.
    const stored: Values = {
      'meeting-date-day': String(Number(day)),
      'meeting-date-month': String(Number(month)),
      'meeting-date-year': year!,
      'meeting-start': clockText(m.startsAt),
      'meeting-end': m.endsAt ? clockText(m.endsAt) : '',
      'meeting-location': m.location,
    };
    const paperRow = (p: MeetingPage['papers'][number]) => ({
      ...p,
      href: `/organisations/${key}/papers/${p.paperId}`,
    });
    return reply.page('meeting.njk', {
      title: `${view.body.name}, ${start.date} – ${org.name}`,
      org,
      brand: brandOf(org),
      view,
      base: `/organisations/${key}/meetings/${meetingId}`,
      bodyHref: `/organisations/${key}/bodies/${m.bodyId}`,
      items: view.items.map((i) => ({ ...i, papers: i.papers.map(paperRow) })),
      papers: view.papers.map(paperRow),
      banner: bannerFor(BANNERS, done),
      paperKinds: Object.entries(PAPER_KINDS).map(([value, text]) => ({ value, text })),
      paperTypes: PAPER_TYPE_WORDS,
      paperLimit: sizeWords(PAPER_MAX_BYTES),
      limits: MEETING_LIMITS,
      form: state.form ?? '',
      errors: state.errors ?? {},
      values: state.values ?? {},
      stored,
    });
  }

  app.get<{ Params: { key: string; meetingId: string }; Querystring: { done?: string } }>(
    '/organisations/:key/meetings/:meetingId',
    { schema: { hide: true, params: MeetingParams, querystring: DoneQuery } },
    (request, reply) => meetingPage(request, reply, {}, request.query.done ?? ''),
  );

  app.get<{ Params: { key: string; paperId: string } }>(
    '/organisations/:key/papers/:paperId',
    { schema: { hide: true, params: PaperParams } },
    async (request, reply) => {
      const org = await organisation(request.params.key);
      const paper = await meetings.paper(actorOf(request), org.orgId, idOf(request.params.paperId, 'paper'));
      return reply
        .type(paper.mediaType)
        .header('content-disposition', attachmentHeader(paper.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', paper.exempt ? 'private, no-store' : 'public, max-age=300')
        .send(Buffer.from(paper.content));
    },
  );

  app.get<{ Params: { key: string } }>(
    '/organisations/:key/minutes',
    { schema: { hide: true, params: KeyParams } },
    async (request, reply) => {
      const org = await organisation(request.params.key);
      const key = orgKeyOf(org);
      const entries = await meetings.minutes(org.orgId);
      return reply.page('council-minutes.njk', {
        title: `Minutes – ${org.name}`,
        org,
        brand: brandOf(org),
        entries: entries.map((e) => ({ ...e, href: `/organisations/${key}/meetings/${e.meetingId}` })),
        bodiesHref: `/organisations/${key}/bodies`,
        decisionsHref: `/organisations/${key}/decisions`,
      });
    },
  );

  /**
   * Runs a form: on success back to its page with a banner (303); a ValidationProblem or the
   * page's own messages show the page again with the error summary and what was typed (400); a
   * meeting that cannot change (409) says why by the form. Anything else (403, 404) is an error page.
   */
  async function act(
    request: FastifyRequest<{ Params: { key: string } }>,
    reply: FastifyReply,
    formId: FormId,
    show: (state: PageState) => Promise<unknown>,
    work: (values: Values, orgId: number) => { pageErrors?: Errors; run: () => Promise<unknown> },
    back: (orgKey: string) => string,
  ) {
    const part = refused(request);
    if (part === 'params') throw notFound('There is no such page.');
    const values = valuesOf(request.body, FORMS[formId]);
    if (part !== undefined) {
      reply.code(400);
      return show({
        form: formId,
        values,
        errors: {
          [formId]:
            'The form could not be read: a field was too long or sent twice. Reload the page and try again',
        },
      });
    }
    const org = await organisation(request.params.key);
    const { pageErrors = {}, run } = work(values, org.orgId);
    try {
      if (Object.keys(pageErrors).length > 0) {
        // The page could not read some answers (a date, a time): nothing goes to the service.
        throw new ValidationProblem({});
      }
      await run();
    } catch (error) {
      if (error instanceof ValidationProblem) {
        reply.code(400);
        return show({ form: formId, values, errors: { ...errorsOn(formId, error.fields), ...pageErrors } });
      }
      if (error instanceof ProblemError && error.status === 409) {
        reply.code(409);
        return show({ form: formId, values, errors: { [formId]: error.detail } });
      }
      throw error;
    }
    return reply.redirect(back(orgKeyOf(org)), 303);
  }

  type BodyRequest = FastifyRequest<{ Params: { key: string; bodyId: string } }>;
  type MeetingRequest = FastifyRequest<{ Params: { key: string; meetingId: string } }>;
  const bodyForm = (formId: FormId) => ({
    ...form,
    schema: { hide: true, params: BodyParams, body: formOf(FORMS[formId]) },
    attachValidation: true,
  });
  const meetingForm = (formId: FormId) => ({
    ...form,
    schema: { hide: true, params: MeetingParams, body: formOf(FORMS[formId]) },
    attachValidation: true,
  });
  const bodyBack = (request: BodyRequest, done: string) => (key: string) =>
    `/organisations/${key}/bodies/${parseId(request.params.bodyId)}?done=${done}`;
  const meetingBack = (request: MeetingRequest, done: string) => (key: string) =>
    `/organisations/${key}/meetings/${parseId(request.params.meetingId)}?done=${done}`;

  app.post<{ Params: { key: string; bodyId: string } }>(
    '/organisations/:key/bodies/:bodyId/members',
    bodyForm('add-member'),
    (request, reply) =>
      act(
        request,
        reply,
        'add-member',
        (state) => bodyPage(request, reply, state),
        (values, orgId) => {
          const from = dateFrom(values, 'member-from', 'the date the term starts');
          const toGiven = ['day', 'month', 'year'].some(
            (p) => (values[`member-to-${p}`] ?? '').trim() !== '',
          );
          const to = toGiven ? dateFrom(values, 'member-to', 'the date the term ends') : { iso: '' };
          const represents = (values['member-represents'] ?? '').trim();
          const pageErrors: Errors = {};
          if (from.error) pageErrors['member-from-day'] = from.error;
          if ('error' in to && to.error) pageErrors['member-to-day'] = to.error;
          return {
            pageErrors,
            run: () =>
              meetings.addMember(actorOf(request), orgId, idOf(request.params.bodyId, 'body'), {
                name: values['member-name'] ?? '',
                kind: values['member-kind'] ?? '',
                role: values['member-role'] ?? '',
                representsOrgId: represents === '' ? null : (parseId(represents) ?? 0),
                voting: values['member-voting'] !== 'no',
                termFrom: from.iso,
                termTo: to.iso || null,
              }),
          };
        },
        bodyBack(request, 'member'),
      ),
  );

  app.post<{ Params: { key: string; bodyId: string } }>(
    '/organisations/:key/bodies/:bodyId/members/end',
    bodyForm('end-term'),
    (request, reply) =>
      act(
        request,
        reply,
        'end-term',
        (state) => bodyPage(request, reply, state),
        (values, orgId) => {
          const on = dateFrom(values, 'end-on', 'the last day of the term');
          const memberId = parseId(values['end-member'] ?? '');
          const pageErrors: Errors = {};
          if (on.error) pageErrors['end-on-day'] = on.error;
          if (memberId === undefined) pageErrors['end-member'] = 'Select the member whose term ends';
          return { pageErrors, run: () => meetings.endTerm(actorOf(request), orgId, memberId!, on.iso) };
        },
        bodyBack(request, 'ended'),
      ),
  );

  app.post<{ Params: { key: string; bodyId: string } }>(
    '/organisations/:key/bodies/:bodyId/meetings',
    bodyForm('schedule'),
    (request, reply) =>
      act(
        request,
        reply,
        'schedule',
        (state) => bodyPage(request, reply, state),
        (values, orgId) => {
          const { input, errors } = meetingFrom(values);
          return {
            pageErrors: errors,
            run: () =>
              meetings.scheduleMeeting(actorOf(request), orgId, idOf(request.params.bodyId, 'body'), input),
          };
        },
        bodyBack(request, 'scheduled'),
      ),
  );

  const meetingIdOf = (request: MeetingRequest) => idOf(request.params.meetingId, 'meeting');

  app.post<{ Params: { key: string; meetingId: string } }>(
    '/organisations/:key/meetings/:meetingId/reschedule',
    meetingForm('reschedule'),
    (request, reply) =>
      act(
        request,
        reply,
        'reschedule',
        (state) => meetingPage(request, reply, state),
        (values, orgId) => {
          const { input, errors } = meetingFrom(values);
          return {
            pageErrors: errors,
            run: () => meetings.rescheduleMeeting(actorOf(request), orgId, meetingIdOf(request), input),
          };
        },
        meetingBack(request, 'rescheduled'),
      ),
  );

  app.post<{ Params: { key: string; meetingId: string } }>(
    '/organisations/:key/meetings/:meetingId/cancel',
    meetingForm('cancel'),
    (request, reply) =>
      act(
        request,
        reply,
        'cancel',
        (state) => meetingPage(request, reply, state),
        (_values, orgId) => ({
          run: () => meetings.cancelMeeting(actorOf(request), orgId, meetingIdOf(request)),
        }),
        meetingBack(request, 'cancelled'),
      ),
  );

  app.post<{ Params: { key: string; meetingId: string } }>(
    '/organisations/:key/meetings/:meetingId/items',
    meetingForm('add-item'),
    (request, reply) =>
      act(
        request,
        reply,
        'add-item',
        (state) => meetingPage(request, reply, state),
        (values, orgId) => ({
          run: () =>
            meetings.addItem(actorOf(request), orgId, meetingIdOf(request), {
              title: values['item-title'] ?? '',
              summary: values['item-summary'] ?? '',
              exempt: values['item-exempt'] === 'yes',
              exemptReason: values['item-reason'] ?? '',
              proposalId: values['item-proposal'] ?? '',
            }),
        }),
        meetingBack(request, 'item'),
      ),
  );

  app.post<{ Params: { key: string; meetingId: string } }>(
    PAPER_ROUTE,
    meetingForm('upload-paper'),
    (request, reply) =>
      act(
        request,
        reply,
        'upload-paper',
        (state) => meetingPage(request, reply, state),
        (values, orgId) => {
          const upload = uploads.get(request);
          const item = (values['paper-item'] ?? '').trim();
          const position = item === '' ? null : /^\d{1,9}$/.test(item) ? Number(item) - 1 : -1;
          const pageErrors: Errors = {};
          if (upload?.truncated)
            pageErrors['paper-file'] = `The selected file must be smaller than ${sizeWords(PAPER_MAX_BYTES)}`;
          if (position !== null && position < 0)
            pageErrors['paper-item'] = 'Select an item on this meeting’s agenda, or the meeting as a whole';
          return {
            pageErrors,
            run: () =>
              meetings.uploadPaper(actorOf(request), orgId, meetingIdOf(request), {
                kind: values['paper-kind'] ?? '',
                title: values['paper-title'] ?? '',
                fileName: upload?.fileName ?? '',
                bytes: new Uint8Array(upload?.bytes ?? Buffer.alloc(0)),
                itemPosition: position,
                exempt: values['paper-exempt'] === 'yes',
              }),
          };
        },
        meetingBack(request, 'paper'),
      ),
  );

  app.post<{ Params: { key: string; meetingId: string } }>(
    '/organisations/:key/meetings/:meetingId/minutes',
    meetingForm('record-minute'),
    (request, reply) =>
      act(
        request,
        reply,
        'record-minute',
        (state) => meetingPage(request, reply, state),
        (values, orgId) => {
          const item = (values['minute-item'] ?? '').trim();
          const position = /^\d{1,9}$/.test(item) ? Number(item) : undefined;
          return {
            pageErrors: (position === undefined
              ? { 'minute-item': 'Select the item the minute records' }
              : {}) as Errors,
            run: () =>
              meetings.recordMinute(actorOf(request), orgId, meetingIdOf(request), position!, {
                reference: values['minute-reference'] ?? '',
                minute: values['minute-text'] ?? '',
              }),
          };
        },
        meetingBack(request, 'minute'),
      ),
  );

  app.post<{ Params: { key: string; meetingId: string } }>(
    '/organisations/:key/meetings/:meetingId/publish',
    meetingForm('publish'),
    (request, reply) =>
      act(
        request,
        reply,
        'publish',
        (state) => meetingPage(request, reply, state),
        (values, orgId) => ({
          run: () =>
            meetings.publishMinutes(actorOf(request), orgId, meetingIdOf(request), {
              confirmed: values['publish-confirmed'] ?? '',
            }),
        }),
        meetingBack(request, 'published'),
      ),
  );
};
