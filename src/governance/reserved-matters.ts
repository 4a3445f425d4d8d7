/**
 * The sovereignty check: a proposal that touches a matter a council reserves (fees and charges,
 * policy, the budget) for a service it shares needs that council's own decision, whatever the
 * joint committee recommends. Pure: the service reads each council's arrangement in force and its
 * bodies, and writes the approvals this returns.
 */

/** One register change, and the matters it says it touches. */
export interface TouchingChange {
  orgId: number;
  lgslCode: number;
  matters: readonly string[];
}

/** A council's arrangement in force for a service, with the decisions it reserves. */
export interface SovereignArrangement {
  orgId: number;
  lgslCode: number;
  partnershipId: number | null;
  provider: { orgId: number };
  reservedDecisions: readonly string[];
}

export interface BodyRef {
  orgId: number;
  bodyId: number;
  kind: string;
}

export interface ApprovalNeed {
  councilOrgId: number;
  bodyId: number;
  reason: 'listed' | 'reserved_matter';
  matters: string[];
}

/** The body that decides a council's reserved matters when the proposal names none of its own. */
const DECIDING_KINDS = ['cabinet', 'executive', 'full_council'];

const same = (a: string) => a.trim().toLowerCase();

/**
 * The approvals a proposal needs: those it lists, each with the reserved matters of its council
 * the proposal touches, and one more for each council with a touched reserved matter that the
 * proposal asks nothing of (at its cabinet or executive, else its full council). A council shares
 * a service when another organisation provides it under this partnership's arrangement; the
 * council whose own arrangement the proposal changes is always asked about its reserved matters. `missingBody` names the councils that reserve a touched matter but have no body that
 * could decide it.
 */
export function approvalsNeeded(input: {
  partnershipId: number;
  changes: readonly TouchingChange[];
  inForce: readonly SovereignArrangement[];
  listed: ReadonlyArray<{ orgId: number; bodyId: number }>;
  bodies: readonly BodyRef[];
}): { approvals: ApprovalNeed[]; missingBody: number[] } {
  const touched = new Map<number, string[]>();
  for (const change of input.changes) {
    if (change.matters.length === 0) continue;
    const wanted = new Map(change.matters.map((m) => [same(m), m.trim()]));
    for (const a of input.inForce) {
      if (a.lgslCode !== change.lgslCode) continue;
      const shares = a.partnershipId === input.partnershipId && a.provider.orgId !== a.orgId;
      if (!shares && a.orgId !== change.orgId) continue;
      const hit = a.reservedDecisions.filter((d) => wanted.has(same(d))).map((d) => d.trim());
      if (hit.length === 0) continue;
      const before = touched.get(a.orgId) ?? [];
      touched.set(a.orgId, [...before, ...hit.filter((h) => !before.some((b) => same(b) === same(h)))]);
    }
  }
  const approvals: ApprovalNeed[] = [];
  const seen = new Set<string>();
  for (const l of input.listed) {
    const key = `${l.orgId}:${l.bodyId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    approvals.push({
      councilOrgId: l.orgId,
      bodyId: l.bodyId,
      reason: 'listed',
      matters: touched.get(l.orgId) ?? [],
    });
  }
  const missingBody: number[] = [];
  for (const [orgId, matters] of [...touched].sort(([x], [y]) => x - y)) {
    if (approvals.some((a) => a.councilOrgId === orgId)) continue;
    const own = input.bodies.filter((b) => b.orgId === orgId);
    const body = DECIDING_KINDS.map((kind) => own.find((b) => b.kind === kind)).find((b) => b !== undefined);
    if (body)
      approvals.push({ councilOrgId: orgId, bodyId: body.bodyId, reason: 'reserved_matter', matters });
    else missingBody.push(orgId);
  }
  return { approvals, missingBody };
}
