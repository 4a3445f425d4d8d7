/** Forward-only migrations, applied at start and by `jointly migrate`. */
import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Database } from './engine.ts';
import * as register from './migrations/0001_register.ts';
import * as partnershipServices from './migrations/0002_partnership_services.ts';
import * as frontdoor from './migrations/0003_frontdoor.ts';
import * as frontDoorReads from './migrations/0004_front_door_reads.ts';
import * as caseEventOwnerInsert from './migrations/0005_case_event_owner_insert.ts';
import * as publicRegister from './migrations/0010_public_register.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_register': register,
  '0002_partnership_services': partnershipServices,
  '0003_frontdoor': frontdoor,
  '0004_front_door_reads': frontDoorReads,
  '0005_case_event_owner_insert': caseEventOwnerInsert,
  '0010_public_register': publicRegister,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export class MigrationError extends Error {}

/** Applies every migration not yet applied; returns the names applied now. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  await assertOwnerBypassesRowSecurity(database);
  const migrator = new Migrator({ db: database.db, provider: new StaticMigrationProvider() });
  const result: MigrationResultSet = await migrator.migrateToLatest();
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
