/**
 * A council records what it tells residents about one of its services: a summary of how it works
 * and its policy, its fees, and links to its own pages. Contact-centre agents answer for every
 * partner from it (the desk shows the responsible council's, never another's). Officers of the
 * council (for the services their account covers) and partnership administrators change it; a
 * save made over someone else's newer one is refused with every answer kept, and each save is
 * audited with what it replaced.
 */
import { parseId, parseIntCode } from '../../platform/index.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../../platform/index.ts';
import { requireCsrfToken } from '../../platform/index.ts';
import { staffCaseActor } from '../cases/case-actor.ts';
import { formText, type Form } from '../shared/form-input.ts';
import {
  FEES_LIMIT,
  LINK_TEXT_LIMIT,
  MAX_LINKS,
  SUMMARY_LIMIT,
  linksAsText,
  parseLinks,
  type informationToEdit,
} from './service-information.ts';

/** Where a council's information about a service is changed. */
export const informationPath = (orgId: number, lgslCode: number) => `/desk/information/${orgId}/${lgslCode}`;

/** The messages for what was typed, by field; none when it can be saved. */
export function checkInformation(values: { summary: string; fees: string; links: string }) {
  const errors: Record<string, string> = {};
  if (values.summary.trim().length > SUMMARY_LIMIT) {
    errors.summary = `How the service works must be ${SUMMARY_LIMIT.toLocaleString('en-GB')} characters or fewer`;
  }
  if (values.fees.trim().length > FEES_LIMIT) {
    errors.fees = `Fees must be ${FEES_LIMIT.toLocaleString('en-GB')} characters or fewer`;
  }
  const { links, problems } = parseLinks(values.links);
  if (problems.length > 0) errors.links = problems.join('. ');
  return { errors, links };
}

export const serviceInformationPages: FastifyPluginAsync = async (app) => {
  const { register, information } = app.services;
  const csrf = requireCsrfToken;

  /** The council and service named in the path, and whether this person may change what it says. */
  async function target(request: FastifyRequest<{ Params: { org: string; lgsl: string } }>) {
    const actor = await staffCaseActor(request.principal, (id) => register.partnershipMemberIds(id));
    const orgId = parseId(request.params.org);
    const lgslCode = parseIntCode(request.params.lgsl);
    const missing = () => notFound('There is no such council service.');
    if (orgId === undefined || lgslCode === undefined) throw missing();
    const organisation = (await register.organisationSummaries([orgId])).get(orgId);
    const [service] = await register.services({ codes: [lgslCode] });
    if (!organisation || !service) throw missing();
    if (!actor.mayHandle(orgId, orgId, lgslCode)) {
      throw forbidden(
        `Your account does not let you change ${organisation.name}’s information about this service.`,
      );
    }
    return { actor, orgId, lgslCode, organisation, service };
  }

  async function show(
    reply: FastifyReply,
    place: Awaited<ReturnType<typeof target>>,
    values: Record<string, string>,
    extra: {
      errors?: Record<string, string>;
      status?: number;
      newer?: Awaited<ReturnType<typeof informationToEdit>>;
      saved?: boolean;
    } = {},
  ) {
    reply.header('cache-control', 'no-store');
    return reply.code(extra.status ?? 200).page('service-information.njk', {
      organisation: place.organisation,
      service: place.service,
      values,
      errors: extra.errors ?? {},
      newer: extra.newer ?? null,
      saved: extra.saved ?? false,
      summaryLimit: SUMMARY_LIMIT,
      feesLimit: FEES_LIMIT,
      linkTextLimit: LINK_TEXT_LIMIT,
      maxLinks: MAX_LINKS,
      action: informationPath(place.orgId, place.lgslCode),
    });
  }

  app.get<{ Params: { org: string; lgsl: string }; Querystring: Form }>(
    '/desk/information/:org/:lgsl',
    async function showServiceInformation(request, reply) {
      const place = await target(request);
      const stored = await information.toEdit(place.orgId, place.lgslCode);
      return show(
        reply,
        place,
        {
          summary: stored.summary,
          fees: stored.fees,
          links: linksAsText(stored.links),
          updatedAt: stored.updatedAt ?? '',
        },
        { saved: formText(request.query, 'done') === 'saved' },
      );
    },
  );

  app.post<{ Params: { org: string; lgsl: string }; Body: Form }>(
    '/desk/information/:org/:lgsl',
    { preHandler: csrf },
    async function saveServiceInformationForm(request, reply) {
      const place = await target(request);
      const body = request.body ?? {};
      const values = {
        summary: formText(body, 'summary'),
        fees: formText(body, 'fees'),
        links: formText(body, 'links'),
        updatedAt: formText(body, 'updatedAt').slice(0, 40),
      };
      const { errors, links } = checkInformation(values);
      if (Object.keys(errors).length > 0) return show(reply, place, values, { errors, status: 400 });
      const saved = await information.save({
        orgId: place.orgId,
        lgslCode: place.lgslCode,
        summary: values.summary.trim(),
        fees: values.fees.trim(),
        links,
        expectedUpdatedAt: values.updatedAt === '' ? null : values.updatedAt,
        accountId: place.actor.accountId,
      });
      if (!saved) {
        // Someone saved it after this person began: keep what they typed, start from the newer one.
        const newer = await information.toEdit(place.orgId, place.lgslCode);
        return show(reply, place, { ...values, updatedAt: newer.updatedAt ?? '' }, { newer, status: 409 });
      }
      return reply.redirect(`${informationPath(place.orgId, place.lgslCode)}?done=saved`, 303);
    },
  );
};
