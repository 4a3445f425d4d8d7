/**
 * Who a case may be referred to: a rule of the front door, checked by the cases service for every
 * caller (the desk's form, any API), and the source of the desk's list of choices.
 *
 * A case may go to
 * - a partner of the council that holds it: a current member (or associate) of a partnership the
 *   holder belongs to;
 * - whoever the register says answers for the case's service at the case's place today: the
 *   council responsible by tier or override (each candidate where the place could be more than
 *   one council's), and the provider under that council's arrangement;
 * - the organisation that referred it to the holder (sending it back).
 * Never to the holder itself. Anything else (a council that is not a partner and that the register
 * does not name for the service there) is refused: the case, with the resident's name and address,
 * stays where it is.
 */

export interface OrganisationName {
  orgId: number;
  name: string;
}

/** What the rule decides from, as the cases service gathers it. */
export interface ReferralFacts {
  holderOrgId: number;
  /** Current members of the partnerships the holder belongs to, with the partnership's name. */
  partners: ReadonlyArray<OrganisationName & { partnership: string }>;
  /**
   * Who the register says answers for the service at the case's place: null when the place cannot
   * be routed now (then only partners and the referrer remain).
   */
  register: {
    responsible: readonly OrganisationName[];
    provider: OrganisationName | null;
    serviceLabel: string;
  } | null;
  /** The organisation that referred the case to the holder, if one did. */
  referredFrom: OrganisationName | null;
}

export interface ReferralTarget {
  orgId: number;
  name: string;
  /** Why the case may go there, in the words the desk shows. */
  why: string;
}

/** The organisations a case may be referred to, by name, each once with the first reason found. */
export function referralTargets(facts: ReferralFacts): ReferralTarget[] {
  const targets = new Map<number, ReferralTarget>();
  const add = (o: OrganisationName, why: string) => {
    if (o.orgId === facts.holderOrgId || targets.has(o.orgId)) return;
    targets.set(o.orgId, { orgId: o.orgId, name: o.name, why });
  };
  if (facts.register) {
    const service = facts.register.serviceLabel;
    for (const o of facts.register.responsible) add(o, `Responsible for ${service} at this place`);
    if (facts.register.provider) {
      add(facts.register.provider, `Delivers ${service} here for the council responsible`);
    }
  }
  for (const p of facts.partners) add(p, `Partner in ${p.partnership}`);
  if (facts.referredFrom) add(facts.referredFrom, 'Referred the case here');
  return [...targets.values()].sort((a, b) => a.name.localeCompare(b.name) || a.orgId - b.orgId);
}

/** Why a referral to `toOrgId` is refused, in words for the person making it, or null when it may go. */
export function refusedReferral(
  targets: readonly ReferralTarget[],
  holder: OrganisationName,
  toOrgId: number,
  toName: string | null,
): string | null {
  if (toOrgId === holder.orgId) return 'Choose another organisation: the case is already theirs';
  if (targets.some((t) => t.orgId === toOrgId)) return null;
  if (toName === null) return 'Choose an organisation from the list';
  return (
    `${toName} is not a partner of ${holder.name} and the register does not give it this service here: ` +
    'choose an organisation from the list'
  );
}
