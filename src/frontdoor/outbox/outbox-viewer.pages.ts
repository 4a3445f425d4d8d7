/**
 * The outbox, as staff see it: every message the front door has written to residents and teams
 * (case received, updated, referred, closed, a new case for a team), whether it has gone, and what
 * it says. Without GOV.UK Notify (no NOTIFY_API_KEY) this is where messages stay, so the demo and
 * tests need no network. Staff see their own organisations' messages only (row-level security
 * holds it), and where their grants name services, only the messages about cases of those
 * services (`caseScope`, as for the cases themselves); a resident's address or number is shown in part in the list, and in full only on a
 * message's own page, where the view is audited.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ValidationProblem, notFound } from '../../platform/index.ts';
import type { MessageFilter, OutboxMessage, OutboxState, StoredMessage } from '../../platform/index.ts';
import { staffCaseActor } from '../cases/case-actor.ts';
import { REFERENCE_EXAMPLE, normaliseReference } from '../cases/case-reference.ts';
import { formText, type Form } from '../shared/form-input.ts';

const PAGE_SIZE = 50;

const STATES: Readonly<Record<OutboxState, string>> = { pending: 'Waiting', sent: 'Sent', failed: 'Failed' };
const STATE_TAGS: Readonly<Record<OutboxState, string>> = {
  pending: 'govuk-tag--yellow',
  sent: 'govuk-tag--green',
  failed: 'govuk-tag--red',
};
const CHANNELS: Readonly<Record<OutboxMessage['channel'], string>> = {
  email: 'Email',
  sms: 'Text message',
  staff: 'Staff',
};

/** What each kind of message is called, in plain words. */
export const TEMPLATE_NAMES: Readonly<Record<string, string>> = {
  case_received: 'Case received',
  case_updated: 'Case updated',
  case_closed: 'Case finished',
  case_referred: 'Case passed to another organisation',
  case_message: 'Message about a case',
  case_assigned: 'New case for the team',
  case_referred_in: 'Case passed in from another organisation',
};

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** What the person told would read: the message in plain words, from its template and details. */
export function messageText(template: string, details: Record<string, unknown>): string {
  const reference = text(details.reference);
  const note = text(details.note) ? ` ${text(details.note)}` : '';
  switch (template) {
    case 'case_received':
      return `We have your ${text(details.service).toLowerCase()} request for ${text(details.council)}. Your reference is ${reference}.`;
    case 'case_updated':
      return `Your case ${reference} is now: ${text(details.status)}.${note}`;
    case 'case_closed':
      return `Your case ${reference} is finished: ${text(details.status)}.${note}`;
    case 'case_referred':
      // `message` is what staff wrote for the resident; messages kept from before carry `reason`.
      return `Your case ${reference} has been passed to ${text(details.council)}, who deal with it. Your reference stays the same.${text(details.message) ? ` ${text(details.message)}` : text(details.reason) ? ` Why: ${text(details.reason)}` : ''}`;
    case 'case_message':
      return `About your case ${reference}: ${text(details.message)}`;
    default:
      return text(details.text) || `${TEMPLATE_NAMES[template] ?? template}: ${reference}`;
  }
}

/** An email address or phone number with most of it hidden, for lists. */
export function maskRecipient(channel: OutboxMessage['channel'], recipient: string): string {
  if (channel === 'staff') return recipient;
  if (channel === 'email') {
    const at = recipient.lastIndexOf('@');
    if (at < 1) return '•••';
    return `${recipient[0]}•••${recipient.slice(at)}`;
  }
  const digits = recipient.replace(/\s+/g, '');
  return digits.length <= 5 ? '•••' : `${digits.slice(0, 2)}•••••${digits.slice(-3)}`;
}

const one = (query: Form, key: string): string => formText(query, key).trim();

/** The list's filters from the query string; a value that is not one of the choices is refused. */
export function parseFilter(query: Form): {
  filter: MessageFilter;
  page: number;
  values: Record<string, string>;
} {
  const values = {
    state: one(query, 'state'),
    channel: one(query, 'channel'),
    reference: one(query, 'reference'),
    page: one(query, 'page'),
  };
  const errors: Record<string, string> = {};
  const filter: MessageFilter = {};
  if (values.state !== '' && values.state !== 'all') {
    if (Object.hasOwn(STATES, values.state)) filter.state = values.state as OutboxState;
    else errors.state = 'Choose waiting, sent, failed or all';
  }
  if (values.channel !== '' && values.channel !== 'all') {
    if (Object.hasOwn(CHANNELS, values.channel)) filter.channel = values.channel as OutboxMessage['channel'];
    else errors.channel = 'Choose email, text message, staff or all';
  }
  if (values.reference !== '') {
    const reference = normaliseReference(values.reference);
    if (reference) filter.caseReference = reference;
    else errors.reference = `Enter a case reference like ${REFERENCE_EXAMPLE}`;
  }
  let page = 1;
  if (values.page !== '') {
    page = /^[1-9][0-9]{0,5}$/.test(values.page) ? Number(values.page) : 0;
    if (page === 0) errors.page = 'Page must be a whole number from 1';
  }
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
  return { filter, page, values };
}

function row(m: StoredMessage) {
  return {
    href: `/outbox/${m.orgId}/${m.messageId}`,
    messageId: m.messageId,
    createdAt: m.createdAt.toISOString(),
    orgName: m.orgName,
    channel: CHANNELS[m.channel],
    template: TEMPLATE_NAMES[m.template] ?? m.template,
    recipient: m.channel === 'staff' ? `The team at ${m.orgName}` : maskRecipient(m.channel, m.recipient),
    caseReference: m.caseReference,
    caseHref: m.caseReference ? `/desk/cases/${m.orgId}/${m.caseReference}` : null,
    state: STATES[m.state],
    stateTag: STATE_TAGS[m.state],
    attempts: m.attempts,
    lastError: m.lastError,
  };
}

/** The filters' choices, as the select component takes them. */
const choices = {
  stateItems: [
    { value: 'all', text: 'All' },
    ...Object.entries(STATES).map(([value, label]) => ({ value, text: label })),
  ],
  channelItems: [
    { value: 'all', text: 'All' },
    ...Object.entries(CHANNELS).map(([value, label]) => ({ value, text: label })),
  ],
};

export const outboxViewerPages: FastifyPluginAsync = async (app) => {
  const { register, config, outbox } = app.services;
  const sentThrough = config.notify ? 'GOV.UK Notify' : null;
  const staff = (request: FastifyRequest) =>
    staffCaseActor(request.principal, (id) => register.partnershipMemberIds(id));

  app.get<{ Querystring: Form }>('/outbox', async function listOutboxMessages(request, reply) {
    const actor = await staff(request);
    let parsed: ReturnType<typeof parseFilter>;
    try {
      parsed = parseFilter(request.query);
    } catch (error) {
      if (!(error instanceof ValidationProblem)) throw error;
      return reply.code(400).page('outbox.njk', {
        errors: error.fields,
        values: {
          state: one(request.query, 'state'),
          channel: one(request.query, 'channel'),
          reference: one(request.query, 'reference'),
        },
        ...choices,
        sentThrough,
        messages: [],
        total: 0,
        pagination: null,
      });
    }
    const { filter, page, values } = parsed;
    const { total, messages } = await outbox.list(actor, filter, {
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (n: number) => {
      const params = new URLSearchParams();
      for (const key of ['state', 'channel', 'reference'] as const)
        if (values[key]) params.set(key, values[key]);
      params.set('page', String(n));
      return `/outbox?${params.toString()}`;
    };
    return reply.page('outbox.njk', {
      errors: {},
      values,
      ...choices,
      sentThrough,
      messages: messages.map(row),
      total,
      from: total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1,
      to: (page - 1) * PAGE_SIZE + messages.length,
      pagination:
        pages > 1
          ? {
              ...(page > 1 ? { previous: { href: link(page - 1) } } : {}),
              ...(page < pages ? { next: { href: link(page + 1) } } : {}),
              items: Array.from({ length: pages }, (_, i) => i + 1)
                .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
                .flatMap((n, i, shown) => [
                  ...(i > 0 && n - shown[i - 1]! > 1 ? [{ ellipsis: true }] : []),
                  { number: n, href: link(n), current: n === page },
                ]),
            }
          : null,
    });
  });

  app.get<{ Params: { org: string; message: string } }>(
    '/outbox/:org/:message',
    async function showOutboxMessage(request, reply) {
      const actor = await staff(request);
      const orgId = Number(request.params.org);
      const messageId = Number(request.params.message);
      const missing = () => notFound('There is no such message that you can see.');
      if (!Number.isSafeInteger(orgId) || orgId <= 0 || !Number.isSafeInteger(messageId) || messageId <= 0) {
        throw missing();
      }
      // The recipient is personal data: seeing it in full is recorded (outbox-viewer.service.ts).
      const message = await outbox.message(actor, orgId, messageId);
      if (!message) throw missing();
      reply.header('cache-control', 'no-store');
      return reply.page('outbox-message.njk', {
        message: {
          ...row(message),
          recipient: message.channel === 'staff' ? `The team at ${message.orgName}` : message.recipient,
          nextAttemptAt: message.nextAttemptAt.toISOString(),
          sentAt: message.sentAt?.toISOString() ?? null,
          providerReference: message.providerReference,
          text: messageText(message.template, message.personalisation),
          details: Object.entries(message.personalisation).map(([key, value]) => ({
            key: { text: key },
            value: { text: text(value) },
          })),
          isResident: message.channel !== 'staff',
        },
        sentThrough,
      });
    },
  );
};
