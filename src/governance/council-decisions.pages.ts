/**
 * A council's decisions on the proposals that ask it, published (`/organisations/:key/decisions`,
 * and as an Atom feed at `/organisations/:key/decisions.atom`): each decision of each of its bodies,
 * newest first, with the minute and paper, linking to the proposal. Anyone may read them.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NOBODY } from './governance-actor.ts';
import { atomFeed, decisionEntries } from './decisions.feed.ts';
import { awaitingIn, councilOnly } from './awaiting.ts';

const OrgKey = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' }),
});
const WORDS = { approved: 'Approved', rejected: 'Rejected', deferred: 'Deferred' } as const;

export const councilDecisionPages: FastifyPluginAsyncTypebox = async (app) => {
  const { governance, register, config } = app.services;

  app.get(
    '/organisations/:key/decisions',
    { schema: { hide: true, params: OrgKey } },
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const proposals = councilOnly(await governance.proposalsAsking(NOBODY, org.orgId), org.orgId);
      const rows = proposals
        .flatMap((p) =>
          p.approvals.flatMap((a) =>
            a.history.map((d) => ({
              decidedOn: d.decidedOn,
              recordedAt: d.recordedAt,
              body: a.body.name,
              decision: WORDS[d.decision],
              proposal: p.title,
              href: `/proposals/${encodeURIComponent(p.id)}`,
              partnership: p.partnership.name,
              minute: d.minute,
              paper: d.paper,
            })),
          ),
        )
        .sort((x, y) => y.decidedOn.localeCompare(x.decidedOn) || y.recordedAt.localeCompare(x.recordedAt));
      return reply.page('council-decisions.njk', {
        title: `Decisions – ${org.name}`,
        org,
        rows,
        awaiting: awaitingIn(proposals),
        feed: `/organisations/${encodeURIComponent(request.params.key)}/decisions.atom`,
      });
    },
  );

  app.get(
    '/organisations/:key/decisions.atom',
    { schema: { hide: true, params: OrgKey } },
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const base = config.publicUrl.replace(/\/$/, '');
      const self = `${base}/organisations/${encodeURIComponent(request.params.key)}/decisions.atom`;
      const proposals = councilOnly(await governance.proposalsAsking(NOBODY, org.orgId), org.orgId);
      return reply.type('application/atom+xml; charset=utf-8').send(
        atomFeed({
          id: self,
          title: `${org.name}: decisions on proposals`,
          self,
          alternate: `${base}/organisations/${encodeURIComponent(request.params.key)}/decisions`,
          entries: decisionEntries(proposals, base),
        }),
      );
    },
  );
};
