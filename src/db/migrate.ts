/** Forward-only migrations, applied at start and by `jointly migrate`. */
import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Database } from './engine.ts';
import * as register from './migrations/0001_register.ts';
import * as partnershipServices from './migrations/0002_partnership_services.ts';
import * as frontdoor from './migrations/0003_frontdoor.ts';
import * as frontDoorReads from './migrations/0004_front_door_reads.ts';
import * as caseEventOwnerInsert from './migrations/0005_case_event_owner_insert.ts';
import * as tenantKeysAndRequestRole from './migrations/0006_tenant_keys_and_request_role.ts';
import * as sessionsAndTokens from './migrations/0007_sessions_and_tokens.ts';
import * as caseViewAudit from './migrations/0008_case_view_audit.ts';
import * as caseClientAttributes from './migrations/0009_case_client_attributes.ts';
import * as publicRegister from './migrations/0010_public_register.ts';
import * as sealedTenantScope from './migrations/0011_sealed_tenant_scope.ts';
import * as areasBelowCouncils from './migrations/0012_areas_below_councils.ts';
import * as costSharing from './migrations/0013_cost_sharing.ts';
import * as governance from './migrations/0014_governance.ts';
import * as meetings from './migrations/0015_meetings_and_proposal_kinds.ts';
import * as performance from './migrations/0016_performance.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_register': register,
  '0002_partnership_services': partnershipServices,
  '0003_frontdoor': frontdoor,
  '0004_front_door_reads': frontDoorReads,
  '0005_case_event_owner_insert': caseEventOwnerInsert,
  '0006_tenant_keys_and_request_role': tenantKeysAndRequestRole,
  '0007_sessions_and_tokens': sessionsAndTokens,
  '0008_case_view_audit': caseViewAudit,
  '0009_case_client_attributes': caseClientAttributes,
  '0010_public_register': publicRegister,
  '0011_sealed_tenant_scope': sealedTenantScope,
  '0012_areas_below_councils': areasBelowCouncils,
  '0013_cost_sharing': costSharing,
  '0014_governance': governance,
  '0015_meetings_and_proposal_kinds': meetings,
  '0016_performance': performance,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export class MigrationError extends Error {}

/** Applies every migration not yet applied; returns the names applied now. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  return migrateTo(database, undefined);
}

/** Applies the migrations up to and including `name` (all of them when undefined). */
export async function migrateTo(database: Database, name: string | undefined): Promise<string[]> {
  await assertOwnerBypassesRowSecurity(database);
  if (name !== undefined && !(name in MIGRATIONS)) throw new MigrationError(`There is no migration ${name}`);
  const migrator = new Migrator({ db: database.db, provider: new StaticMigrationProvider() });
  const result: MigrationResultSet =
    name === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(name);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Migration ${failed} failed: ${(result.error as Error).message}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The connecting role owns the schema and does system work (imports, sign-in); row-level security
 * is forced on tenant tables, so that role must be a superuser or have BYPASSRLS.
 */
async function assertOwnerBypassesRowSecurity(database: Database): Promise<void> {
  const { rows } = await sql<{ ok: boolean; name: string }>`
    select (rolsuper or rolbypassrls) as ok, rolname as name from pg_roles where rolname = current_user`.execute(
    database.db,
  );
  const row = rows[0];
  if (row && !row.ok) {
    throw new MigrationError(
      `The database role "${row.name}" must own Jointly's tables and bypass row-level security: ` +
        `run "ALTER ROLE ${row.name} BYPASSRLS;" as a superuser (see docs/operations.md).`,
    );
  }
}
