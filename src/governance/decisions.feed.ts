/**
 * An Atom feed of the decisions councils have recorded on a partnership's published proposals,
 * newest first: what each council decided, at which body, when and under which minute. Anyone may
 * subscribe: it holds only what councils publish (drafts and internal proposals never appear).
 */
import { XMLBuilder } from 'fast-xml-parser';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NOBODY } from './governance-actor.ts';
import { PartnershipSlug } from './proposal.schemas.ts';
import type { ProposalView } from './proposal.views.ts';

/** The most entries a feed holds: readers poll it, and older decisions stay on each proposal's page. */
export const FEED_ENTRIES = 100;

const VERB = { approved: 'approved', rejected: 'rejected', deferred: 'deferred' } as const;

interface FeedEntry {
  id: string;
  title: string;
  updated: string;
  link: string;
  summary: string;
  author: string;
}

/** Every decision on the proposals, newest first, as feed entries linking to each proposal's page. */
export function decisionEntries(proposals: readonly ProposalView[], baseUrl: string): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const p of proposals) {
    const link = `${baseUrl}/proposals/${p.id}`;
    for (const a of p.approvals) {
      for (const d of a.history) {
        const minute = d.minute ? ` (minute ${d.minute})` : '';
        entries.push({
          id: `${link}#decision-${d.decisionId}`,
          title: `${a.council.name} ${a.body.name} ${VERB[d.decision]}: ${p.title}`,
          updated: d.recordedAt,
          link,
          summary: `${a.council.name}'s ${a.body.name} ${VERB[d.decision]} "${p.title}" on ${d.decidedOn}${minute}.`,
          author: a.council.name,
        });
      }
    }
  }
  return entries
    .sort((x, y) => y.updated.localeCompare(x.updated) || x.id.localeCompare(y.id))
    .slice(0, FEED_ENTRIES);
}

export function atomFeed(feed: {
  id: string;
  title: string;
  self: string;
  alternate: string;
  entries: FeedEntry[];
}): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    format: true,
    suppressEmptyNode: true,
  });
  const updated = feed.entries[0]?.updated ?? new Date(0).toISOString();
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    builder.build({
      feed: {
        '@xmlns': 'http://www.w3.org/2005/Atom',
        id: feed.id,
        title: feed.title,
        updated,
        link: [
          { '@rel': 'self', '@type': 'application/atom+xml', '@href': feed.self },
          { '@rel': 'alternate', '@type': 'text/html', '@href': feed.alternate },
        ],
        author: { name: 'Jointly' },
        entry: feed.entries.map((e) => ({
          id: e.id,
          title: e.title,
          updated: e.updated,
          link: { '@rel': 'alternate', '@type': 'text/html', '@href': e.link },
          author: { name: e.author },
          summary: e.summary,
        })),
      },
    })
  );
}

export const decisionFeeds: FastifyPluginAsyncTypebox = async (app) => {
  const { governance, config } = app.services;
  app.get(
    '/partnerships/:slug/decisions.atom',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }) } },
    async (request, reply) => {
      const proposals = await governance.proposals(NOBODY, request.params.slug);
      const base = config.publicUrl.replace(/\/$/, '');
      const self = `${base}/partnerships/${request.params.slug}/decisions.atom`;
      const name =
        proposals[0]?.partnership.name ?? (await app.services.register.partnership(request.params.slug)).name;
      return reply.type('application/atom+xml; charset=utf-8').send(
        atomFeed({
          id: self,
          title: `${name}: councils' decisions on proposals`,
          self,
          alternate: `${base}/partnerships/${request.params.slug}/proposals`,
          entries: decisionEntries(proposals, base),
        }),
      );
    },
  );
};
