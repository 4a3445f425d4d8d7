/**
 * The sovereignty register of a partnership: for each shared service, each council's arrangement
 * with the decisions the council keeps and those it delegates to whoever provides the service.
 * Read from the register as it stands on a date; these are what a proposal is checked against
 * (`reserved-matters.ts`): one that touches a matter a council keeps needs that council's own
 * decision, whatever the joint committee says. Public, like the register.
 */
import type { Arrangement, RegisterService } from '../register/index.ts';
import { DELIVERY_MODES, PUBLIC_ACTOR } from '../register/index.ts';

export interface SovereigntyRow {
  council: { orgId: number; gss: string | null; name: string };
  /** How it is delivered, in words. */
  delivery: string;
  provider: string;
  reserved: string[];
  delegated: string[];
  validFrom: string;
}

export interface SovereigntyService {
  lgslCode: number;
  label: string;
  rows: SovereigntyRow[];
}

export interface SovereigntyRegister {
  partnership: { slug: string; name: string };
  date: string;
  services: SovereigntyService[];
}

/** A service is shared when at least one council takes it from another organisation. */
const shared = (arrangements: readonly Arrangement[]) =>
  arrangements.some((a) => a.provider.orgId !== a.orgId);

export async function sovereigntyRegister(
  register: Pick<RegisterService, 'matrix'>,
  slug: string,
  date?: string,
): Promise<SovereigntyRegister> {
  const matrix = await register.matrix(PUBLIC_ACTOR, slug, date === undefined ? {} : { date });
  const services: SovereigntyService[] = [];
  matrix.services.forEach((service, i) => {
    const cells = (matrix.cells[i] ?? []).flatMap((c) => (c.arrangement ? [c.arrangement] : []));
    if (!shared(cells)) return;
    services.push({
      lgslCode: service.lgslCode,
      label: service.label,
      rows: cells.map((a) => {
        const member = matrix.members.find((m) => m.orgId === a.orgId)!;
        return {
          council: { orgId: a.orgId, gss: member.gss, name: member.name },
          delivery: DELIVERY_MODES[a.mode],
          provider: a.provider.name,
          reserved: a.reservedDecisions,
          delegated: a.delegatedDecisions,
          validFrom: a.validFrom,
        };
      }),
    });
  });
  return {
    partnership: { slug: matrix.partnership.slug, name: matrix.partnership.name },
    date: matrix.date,
    services,
  };
}
