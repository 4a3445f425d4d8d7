/**
 * Each organisation's prefix for the references its residents are given: `DEV-2026-000123` for
 * Devon. Made from the organisation's GOV.UK slug (or short name): one word gives its first
 * three letters (devon → DEV, exeter → EXE), several give their initials and the first two
 * letters of the last (west-oxfordshire → WOX, forest-of-dean → FDE). A prefix another
 * organisation already has is never reused: a longer one, then a number, is tried instead.
 */
import type { Tx } from '../db/index.ts';

const LINKING_WORDS = new Set(['of', 'and', 'the', 'upon', 'on', 'in', 'with', 'le']);

function words(slugOrName: string): string[] {
  return slugOrName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((w) => w !== '' && !LINKING_WORDS.has(w.toLowerCase()));
}

/** The prefixes to try for an organisation, best first. */
export function casePrefixCandidates(slugOrName: string): string[] {
  const parts = words(slugOrName);
  if (parts.length === 0) return ['ORG'];
  const last = parts.at(-1)!;
  const initials = parts.slice(0, -1).map((w) => w[0]!);
  const tries: string[] = [];
  for (let letters = 2; letters <= Math.min(6, last.length); letters++) {
    const joined =
      parts.length === 1 ? last.slice(0, letters + 1) : initials.join('') + last.slice(0, letters);
    tries.push(joined.slice(0, 6));
  }
  const base = tries[0] && tries[0].length >= 2 ? tries[0] : (parts.join('') + 'XX').slice(0, 3);
  const unique = [...new Set(tries.filter((t) => t.length >= 2))];
  for (let n = 2; n <= 99; n++) unique.push(`${base}${n}`);
  return unique;
}

/** Gives every organisation without a prefix one that no other organisation has. */
export async function assignCasePrefixes(tx: Tx): Promise<number> {
  const orgs = await tx
    .selectFrom('organisation')
    .select(['org_id', 'jurisdiction', 'short_name', 'case_prefix'])
    .orderBy('org_id')
    .execute();
  const taken = new Set(orgs.flatMap((o) => (o.case_prefix ? [o.case_prefix] : [])));
  let assigned = 0;
  for (const org of orgs) {
    if (org.case_prefix) continue;
    const prefix = casePrefixCandidates(org.jurisdiction ?? org.short_name).find((p) => !taken.has(p));
    if (!prefix) throw new Error(`No reference prefix is free for organisation ${org.org_id}`);
    await tx
      .updateTable('organisation')
      .set({ case_prefix: prefix })
      .where('org_id', '=', org.org_id)
      .execute();
    taken.add(prefix);
    assigned++;
  }
  return assigned;
}
