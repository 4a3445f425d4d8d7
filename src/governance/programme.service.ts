/**
 * A partnership's programme: phases in order, their activities and milestones, and go/no-go points
 * that each authority decides for itself ("Go/No-go decision point for each authority to proceed
 * to next phase"). Public, like the councils' decisions it records. A partnership administrator
 * (or the operator, for the demo) sets a programme out; each council's democratic services officer
 * records that council's go/no-go decision, and nobody else's; the latest decision counts. The
 * programme's keeper marks a milestone reached on a date (audited with what it said before).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import {
  ValidationProblem,
  forbidden,
  isIsoDate,
  notFound,
  recordAudit,
  todayInLondon,
} from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import {
  NOBODY,
  currentCouncils,
  mayKeepProposal,
  proposalKeeperOrg,
  type GovernanceActor,
} from './governance-actor.ts';

export const GO_NO_GO = ['go', 'no_go', 'deferred'] as const;
export type GoNoGo = (typeof GO_NO_GO)[number];

export interface MilestoneInput {
  title: string;
  kind: 'milestone' | 'go_no_go';
  dueOn: string;
  workstream?: string;
  owner?: string;
  /** Earlier milestones of the programme that must be reached first, by their order in it (0-based). */
  dependsOn?: number[];
  completedOn?: string | null;
}

export interface ProgrammeInput {
  name: string;
  summary?: string;
  illustrative?: boolean;
  source?: string;
  phases: Array<{
    name: string;
    timing?: string;
    startsOn: string;
    endsOn: string;
    activities?: string[];
    milestones?: MilestoneInput[];
  }>;
}

export interface GoNoGoView {
  council: { orgId: number; gss: string | null; name: string };
  decision: GoNoGo | null;
  decidedOn: string | null;
  minute: string | null;
}

export interface MilestoneView {
  milestoneId: number;
  title: string;
  kind: 'milestone' | 'go_no_go';
  dueOn: string;
  workstream: string;
  owner: string;
  dependsOn: Array<{ milestoneId: number; title: string }>;
  completedOn: string | null;
  /** In words and without colour: "Reached on …", "Overdue since …", "Due …". */
  status: 'reached' | 'overdue' | 'due';
  /** Each current member's decision at a go/no-go point; empty for a plain milestone. */
  decisions: GoNoGoView[];
  /** The councils whose decision at this point the person asking records (their clerk's). */
  mayRecordFor: number[];
}

export interface ProgrammeView {
  programmeId: number;
  name: string;
  summary: string;
  illustrative: boolean;
  source: string;
  /** Whether the person asking keeps the programme (marks its milestones reached). */
  mayKeep: boolean;
  phases: Array<{
    position: number;
    name: string;
    timing: string;
    startsOn: string;
    endsOn: string;
    activities: string[];
    milestones: MilestoneView[];
  }>;
}

export interface ProgrammeService {
  /** A partnership's programmes, with what `actor` (nobody, by default) may do on each. */
  programmes(slug: string, actor?: GovernanceActor): Promise<ProgrammeView[]>;
  createProgramme(actor: GovernanceActor, slug: string, input: ProgrammeInput): Promise<ProgrammeView>;
  recordGoNoGo(
    actor: GovernanceActor,
    slug: string,
    milestoneId: number,
    input: { orgId: number; decision: string; decidedOn: string; minute: string },
  ): Promise<ProgrammeView>;
  /** For the programme's keeper: the milestone (or go/no-go point) was reached on `completedOn`. */
  completeMilestone(
    actor: GovernanceActor,
    slug: string,
    milestoneId: number,
    input: { completedOn: string },
  ): Promise<ProgrammeView>;
}

const text = (value: string | undefined) => (value ?? '').trim();

export function createProgrammeService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership'>;
}): ProgrammeService {
  const { db, register } = deps;

  async function programmes(slug: string, actor: GovernanceActor = NOBODY): Promise<ProgrammeView[]> {
    const p = await register.partnership(slug);
    const members = currentCouncils(p.members);
    const clerkOf = members.filter((m) => actor.clerkOf.includes(m.orgId)).map((m) => m.orgId);
    const today = todayInLondon();
    return withTenant(db, { readOrgs: [], writeOrgs: [], accountId: null }, async (tx) => {
      const rows = await tx
        .selectFrom('programme')
        .selectAll()
        .where('partnership_id', '=', p.partnershipId)
        .orderBy('created_at')
        .execute();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.programme_id);
      const [phases, milestones, decisions] = await Promise.all([
        tx
          .selectFrom('programme_phase')
          .selectAll()
          .where('programme_id', 'in', ids)
          .orderBy('position')
          .execute(),
        tx
          .selectFrom('programme_milestone')
          .selectAll()
          .where('programme_id', 'in', ids)
          .orderBy('due_on')
          .orderBy('milestone_id')
          .execute(),
        tx
          .selectFrom('go_no_go_decision')
          .selectAll()
          .where('keeper_org_id', 'in', [...new Set(rows.map((r) => r.org_id))])
          .orderBy('decision_id')
          .execute(),
      ]);
      const titles = new Map(milestones.map((m) => [m.milestone_id, m.title]));
      return rows.map((r) => ({
        programmeId: r.programme_id,
        name: r.name,
        summary: r.summary,
        illustrative: r.illustrative,
        source: r.source,
        mayKeep: mayKeepProposal(actor, p.partnershipId, r.org_id),
        phases: phases
          .filter((ph) => ph.programme_id === r.programme_id && ph.org_id === r.org_id)
          .map((ph) => ({
            position: ph.position,
            name: ph.name,
            timing: ph.timing,
            startsOn: ph.starts_on,
            endsOn: ph.ends_on,
            activities: ph.activities,
            milestones: milestones
              .filter((m) => m.programme_id === r.programme_id && m.phase_position === ph.position)
              .map((m) => {
                const latest = new Map<number, (typeof decisions)[number]>();
                for (const d of decisions) if (d.milestone_id === m.milestone_id) latest.set(d.org_id, d);
                return {
                  milestoneId: m.milestone_id,
                  title: m.title,
                  kind: m.kind,
                  dueOn: m.due_on,
                  workstream: m.workstream,
                  owner: m.owner,
                  // A bigint[] comes back as text from PostgreSQL and as numbers from the embedded engine.
                  dependsOn: m.depends_on.map(Number).map((id) => ({
                    milestoneId: id,
                    title: titles.get(id) ?? String(id),
                  })),
                  completedOn: m.completed_on,
                  status: m.completed_on !== null ? 'reached' : m.due_on < today ? 'overdue' : 'due',
                  decisions:
                    m.kind === 'go_no_go'
                      ? members.map((member) => {
                          const d = latest.get(member.orgId);
                          return {
                            council: { orgId: member.orgId, gss: member.gss, name: member.name },
                            decision: d?.decision ?? null,
                            decidedOn: d?.decided_on ?? null,
                            minute: d?.minute ?? null,
                          };
                        })
                      : [],
                  mayRecordFor: m.kind === 'go_no_go' ? clerkOf : [],
                } satisfies MilestoneView;
              }),
          })),
      }));
    });
  }

  return {
    programmes,

    async createProgramme(actor, slug, input) {
      const p = await register.partnership(slug);
      const keeper = proposalKeeperOrg(actor, p);
      if (keeper === null) throw forbidden('Only the partnership’s administrator sets out its programme.');
      const errors: Record<string, string> = {};
      if (text(input.name).length === 0 || text(input.name).length > 200)
        errors.name = 'Enter a name of up to 200 characters';
      if (input.phases.length === 0 || input.phases.length > 50)
        errors.phases = 'Give between 1 and 50 phases';
      const all = input.phases.flatMap((ph) => ph.milestones ?? []);
      input.phases.forEach((ph, i) => {
        if (text(ph.name).length === 0) errors[`phases[${i}].name`] = `Phase ${i + 1}: enter its name`;
        if (!isIsoDate(ph.startsOn) || !isIsoDate(ph.endsOn) || ph.endsOn < ph.startsOn)
          errors[`phases[${i}].dates`] = `Phase ${i + 1}: give real dates, the end on or after the start`;
      });
      all.forEach((m, i) => {
        if (text(m.title).length === 0 || !isIsoDate(m.dueOn))
          errors[`milestones[${i}]`] = `Milestone ${i + 1}: give its title and a real due date`;
        if ((m.dependsOn ?? []).some((d) => !Number.isInteger(d) || d < 0 || d >= i))
          errors[`milestones[${i}].dependsOn`] =
            `Milestone ${i + 1}: it can only depend on milestones before it`;
      });
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        const { programme_id: programmeId } = await tx
          .insertInto('programme')
          .values({
            org_id: keeper,
            partnership_id: p.partnershipId,
            name: text(input.name),
            summary: text(input.summary),
            illustrative: input.illustrative ?? false,
            source: text(input.source),
          })
          .returning('programme_id')
          .executeTakeFirstOrThrow();
        const made: number[] = [];
        for (const [position, ph] of input.phases.entries()) {
          await tx
            .insertInto('programme_phase')
            .values({
              org_id: keeper,
              programme_id: programmeId,
              position,
              name: text(ph.name),
              timing: text(ph.timing),
              starts_on: ph.startsOn,
              ends_on: ph.endsOn,
              activities: (ph.activities ?? []).map((a) => a.trim()).filter(Boolean),
            })
            .execute();
          for (const m of ph.milestones ?? []) {
            const row = await tx
              .insertInto('programme_milestone')
              .values({
                org_id: keeper,
                programme_id: programmeId,
                phase_position: position,
                title: text(m.title),
                kind: m.kind,
                due_on: m.dueOn,
                workstream: text(m.workstream),
                owner: text(m.owner),
                depends_on: (m.dependsOn ?? []).map((d) => made[d]!),
                completed_on: m.completedOn ?? null,
              })
              .returning('milestone_id')
              .executeTakeFirstOrThrow();
            made.push(row.milestone_id);
          }
        }
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'programme',
          entityKey: String(programmeId),
          after: input,
        });
      });
      const views = await programmes(slug);
      return views.find((v) => v.name === text(input.name))!;
    },

    async recordGoNoGo(actor, slug, milestoneId, input) {
      const p = await register.partnership(slug);
      const milestone = await milestoneOf(p.partnershipId, milestoneId);
      if (!milestone || milestone.kind !== 'go_no_go')
        throw notFound(`${p.name}’s programme has no go/no-go point ${milestoneId}.`);
      if (!actor.clerkOf.includes(input.orgId))
        throw forbidden('Only the council itself records its go/no-go decision.');
      const member = currentCouncils(p.members).find((m) => m.orgId === input.orgId);
      const errors: Record<string, string> = {};
      if (!member) errors.orgId = `Only a member council of ${p.name} decides at its go/no-go points`;
      if (!(GO_NO_GO as readonly string[]).includes(input.decision))
        errors.decision = 'Select go, no-go or deferred';
      if (!isIsoDate(input.decidedOn))
        errors.decidedOn = 'Enter the date of the decision as a real date, like 2014-12-10';
      else if (input.decidedOn > todayInLondon())
        errors.decidedOn = 'The date of the decision cannot be in the future';
      if (text(input.minute).length === 0 || text(input.minute).length > 200)
        errors.minute = 'Enter the minute reference, up to 200 characters';
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [input.orgId], writeOrgs: [input.orgId], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        const saved = await tx
          .insertInto('go_no_go_decision')
          .values({
            org_id: input.orgId,
            keeper_org_id: milestone.org_id,
            milestone_id: milestoneId,
            decision: input.decision as GoNoGo,
            decided_on: input.decidedOn,
            minute: text(input.minute),
            recorded_by: actor.accountId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, {
          orgId: input.orgId,
          accountId: actor.accountId,
          action: 'decide',
          entityType: 'go_no_go',
          entityKey: String(milestoneId),
          after: saved,
        });
      });
      return programmeWith(slug, milestoneId, actor);
    },

    async completeMilestone(actor, slug, milestoneId, input) {
      const p = await register.partnership(slug);
      const milestone = await milestoneOf(p.partnershipId, milestoneId);
      if (!milestone) throw notFound(`${p.name}’s programme has no milestone ${milestoneId}.`);
      if (!mayKeepProposal(actor, p.partnershipId, milestone.org_id))
        throw forbidden('Only the partnership’s administrator marks its programme’s milestones reached.');
      if (!isIsoDate(input.completedOn))
        throw new ValidationProblem({
          completedOn: 'Enter the date the milestone was reached as a real date, like 2015-04-01',
        });
      if (input.completedOn > todayInLondon())
        throw new ValidationProblem({ completedOn: 'The date it was reached cannot be in the future' });
      const scope = {
        readOrgs: [milestone.org_id],
        writeOrgs: [milestone.org_id],
        accountId: actor.accountId,
      };
      await withTenant(db, scope, async (tx) => {
        const before = await tx
          .selectFrom('programme_milestone')
          .select('completed_on')
          .where('org_id', '=', milestone.org_id)
          .where('milestone_id', '=', milestoneId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        await tx
          .updateTable('programme_milestone')
          .set({ completed_on: input.completedOn })
          .where('org_id', '=', milestone.org_id)
          .where('milestone_id', '=', milestoneId)
          .execute();
        await recordAudit(tx, {
          orgId: milestone.org_id,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'programme_milestone',
          entityKey: String(milestoneId),
          before: { completedOn: before.completed_on },
          after: { completedOn: input.completedOn },
        });
      });
      return programmeWith(slug, milestoneId, actor);
    },
  };

  /** A milestone of one of the partnership's programmes, or undefined. */
  function milestoneOf(partnershipId: number, milestoneId: number) {
    return withSystem(db, (tx) =>
      tx
        .selectFrom('programme_milestone as m')
        .innerJoin('programme as p', (j) =>
          j.onRef('p.org_id', '=', 'm.org_id').onRef('p.programme_id', '=', 'm.programme_id'),
        )
        .select(['m.org_id', 'm.milestone_id', 'm.kind', 'm.title'])
        .where('m.milestone_id', '=', milestoneId)
        .where('p.partnership_id', '=', partnershipId)
        .executeTakeFirst(),
    );
  }

  async function programmeWith(slug: string, milestoneId: number, actor: GovernanceActor) {
    return (await programmes(slug, actor)).find((v) =>
      v.phases.some((ph) => ph.milestones.some((m) => m.milestoneId === milestoneId)),
    )!;
  }
}
