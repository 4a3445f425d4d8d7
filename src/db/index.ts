/**
 * The database module's door: opening the engine, migrations, transactions with a tenant scope or as
 * the owner, the schema's types and prepared statements. Other modules import only this file.
 */
export { withSystem, withTenant } from './context.ts';
export type { TenantScope, Tx } from './context.ts';
export { DatabaseInUseError, openDatabase } from './engine.ts';
export type { Database } from './engine.ts';
export { MigrationError, migrateToLatest } from './migrate.ts';
export { prepared } from './prepared.ts';
/** The largest meeting paper the database keeps (migration 0015's check). */
export { PAPER_MAX_BYTES } from './migrations/0015_meetings_and_proposal_kinds.ts';
export type {
  AreaKind,
  ArrangementTable,
  BankHolidayDivision,
  CaseEventKind,
  CaseStatus,
  Channel,
  DB,
  DeliveryLevel,
  DeliveryMode,
  GovernanceBodyKind,
  RiskTreatment,
  SourcingKind,
  MemberRole,
  OrganisationKind,
  OrganisationTable,
  ProvidingTier,
  RechargeRunKind,
  RechargeRunState,
  ResponsibilityOverrideTable,
  Role,
} from './schema.ts';
