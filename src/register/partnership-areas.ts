/**
 * A partnership's own areas defined from postcode sectors (the page beside the partnership's),
 * and read back. The rule for who may is `areaKeeperOrg`: the people who keep the partnership's
 * register, its administrators; it is checked here for every caller, whatever page or API it
 * came from. The command line (`jointly import areas`) is the operator's and needs no grant.
 *
 * Areas are shared reference data (no org_id, read by everyone, written only by the owner role),
 * so the write runs as the owner once the rule has allowed it, with its audit row, under the
 * administrator's organisation, in the same transaction.
 */
import type { Kysely } from 'kysely';
import type { DB, Tx } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ValidationProblem, forbidden, notFound, recordAudit } from '../platform/index.ts';
import {
  DEFINABLE_KINDS,
  MAX_AREA_NAME,
  areaCodeFor,
  codeTakenBy,
  countPostcodesIn,
  defineAreas,
  kindText,
  parseSectorList,
  postcodesInPrefixes,
  type DefinableKind,
} from '../geography/index.ts';
import { PUBLIC_ACTOR, type Actor } from './register.service.ts';
import type { AreaKind } from '../db/index.ts';

/** The longest name an area may have on the page: the same as in an areas file. */
export const AREA_NAME_LIMIT = MAX_AREA_NAME;

/**
 * The organisation under which `actor` may define `partnershipId`'s areas (their administrator
 * grant's), or null when they may not. Pure.
 */
export function areaKeeperOrg(actor: Actor, partnershipId: number): number | null {
  return actor.keepsRegisterOf?.find((k) => k.partnershipId === partnershipId)?.orgId ?? null;
}

export const mayDefineAreas = (actor: Actor, partnershipId: number): boolean =>
  areaKeeperOrg(actor, partnershipId) !== null;

export interface AreaFromSectorsInput {
  name: string;
  /** One of DEFINABLE_KINDS, as the form sends it. */
  kind: string;
  /** The sectors as typed: one a line, or separated by commas or semicolons. */
  sectors: string;
}

export interface PartnershipArea {
  code: string;
  name: string;
  kind: AreaKind;
  kindText: string;
  partnership: { slug: string; name: string };
  /** The postcode units, sectors and districts that define it; empty for an area drawn as a boundary. */
  prefixes: string[];
  /** The directory's postcodes in those prefixes; null for an area drawn as a boundary. */
  postcodes: number | null;
}

/** The checks on what the page sends, as messages by field; the sectors it names when they pass. */
async function checkInput(
  tx: Tx,
  partnership: { partnership_id: number; slug: string; name: string },
  input: AreaFromSectorsInput,
): Promise<{ name: string; kind: DefinableKind; sectors: string[]; code: string; postcodes: number }> {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  const kind = (DEFINABLE_KINDS as readonly string[]).includes(input.kind)
    ? (input.kind as DefinableKind)
    : null;
  if (name === '') errors.name = 'Enter the name of the area';
  else if (name.length > AREA_NAME_LIMIT) {
    errors.name = `The name must be ${AREA_NAME_LIMIT} characters or fewer (you entered ${name.length})`;
  }
  if (!kind) errors.kind = 'Select the kind of area';
  const code = areaCodeFor(partnership.slug, kind ?? 'locality', name);
  if (!errors.name) {
    const same = await tx
      .selectFrom('partnership_area as pa')
      .innerJoin('area as a', 'a.code', 'pa.area_code')
      .select(['a.name', 'a.kind'])
      .where('pa.partnership_id', '=', partnership.partnership_id)
      .where((eb) =>
        eb.or([eb(eb.fn('lower', ['a.name']), '=', name.toLowerCase()), eb('a.code', '=', code)]),
      )
      .executeTakeFirst();
    if (same) {
      errors.name = `${partnership.name} already has an area called ${same.name} (${kindText(same.kind)}): give this one another name`;
    } else if (kind && (await codeTakenBy(tx, code, partnership.partnership_id))) {
      errors.name = `The name ${name} is already used for an area the register holds: give this one another name`;
    }
  }
  const list = parseSectorList(input.sectors);
  let postcodes = 0;
  if (list.problem) errors.sectors = list.problem;
  else {
    const counts = await postcodesInPrefixes(tx, list.sectors);
    const empty = list.sectors.filter((s) => counts.get(s) === 0);
    if (empty.length > 0) {
      errors.sectors =
        `${empty.join(', ')} ${empty.length === 1 ? 'holds' : 'hold'} no postcode in the postcode directory: ` +
        'check the sectors, or leave them out';
    }
    postcodes = await countPostcodesIn(tx, list.sectors);
  }
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
  return { name, kind: kind!, sectors: list.sectors, code, postcodes };
}

export function createPartnershipAreas(db: Kysely<DB>) {
  const partnershipRow = (tx: Tx, slug: string) =>
    tx
      .selectFrom('partnership')
      .select(['partnership_id', 'slug', 'name'])
      .where('slug', '=', slug)
      .executeTakeFirst();

  return {
    /**
     * Defines a new area of the partnership from postcode sectors, checked and audited, and
     * returns it. 403 for anyone who does not keep the partnership's register; 400 with a message
     * per field for a missing or duplicate name, a kind there is not, a sector in the wrong format
     * or one holding no postcode. Nothing is written on any error.
     */
    async defineAreaFromSectors(
      actor: Actor,
      slug: string,
      input: AreaFromSectorsInput,
    ): Promise<PartnershipArea> {
      return withSystem(db, async (tx) => {
        const partnership = await partnershipRow(tx, slug);
        if (!partnership) throw notFound(`There is no partnership called "${slug}".`);
        const keeper = areaKeeperOrg(actor, partnership.partnership_id);
        if (keeper === null) {
          throw forbidden(`Only the people who keep ${partnership.name}’s register can define its areas.`);
        }
        const area = await checkInput(tx, partnership, input);
        await defineAreas(
          tx,
          'the define an area page',
          partnership.partnership_id,
          area.kind,
          [{ code: area.code, name: area.name, prefixes: new Set(area.sectors) }],
          `defined from postcode sectors for ${partnership.slug}`,
        );
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'area',
          entityKey: area.code,
          after: { partnership: partnership.slug, name: area.name, kind: area.kind, sectors: area.sectors },
        });
        return {
          code: area.code,
          name: area.name,
          kind: area.kind,
          kindText: kindText(area.kind),
          partnership: { slug: partnership.slug, name: partnership.name },
          prefixes: [...area.sectors].sort(),
          postcodes: area.postcodes,
        };
      });
    },

    /**
     * One of the partnership's own areas (a locality, market town, parish or ward) with what defines
     * it; 404 for any other area.
     */
    async partnershipArea(slug: string, code: string): Promise<PartnershipArea> {
      return withTenant(db, PUBLIC_ACTOR.scope, async (tx) => {
        const row = await tx
          .selectFrom('partnership_area as pa')
          .innerJoin('partnership as p', 'p.partnership_id', 'pa.partnership_id')
          .innerJoin('area as a', 'a.code', 'pa.area_code')
          .select(['a.code', 'a.name', 'a.kind', 'p.slug', 'p.name as partnership_name'])
          .where('p.slug', '=', slug)
          .where('a.code', '=', code)
          .where('a.kind', 'in', [...DEFINABLE_KINDS])
          .executeTakeFirst();
        if (!row) throw notFound(`There is no area ${code} of partnership "${slug}".`);
        const prefixes = (
          await tx
            .selectFrom('area_postcode')
            .select('prefix')
            .where('area_code', '=', code)
            .orderBy('prefix')
            .execute()
        ).map((r) => r.prefix);
        const postcodes = prefixes.length > 0 ? await countPostcodesIn(tx, prefixes) : null;
        return {
          code: row.code,
          name: row.name,
          kind: row.kind,
          kindText: kindText(row.kind),
          partnership: { slug: row.slug, name: row.partnership_name },
          prefixes,
          postcodes,
        };
      });
    },
  };
}

export type PartnershipAreas = ReturnType<typeof createPartnershipAreas>;
