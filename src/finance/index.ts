/**
 * The finance module's door: sharing the cost of shared services. Other modules import only this
 * file.
 */
export { ApportionError, apportion } from './apportion.ts';
export type { Weighted } from './apportion.ts';
export { formatPounds, parsePounds } from './money.ts';
export type { Pence } from './money.ts';
export { AllocationRuleError, DRIVERS, WHOLE, allocate, ruleProblems } from './allocation-rules.ts';
export type {
  AllocationLine,
  AllocationRule,
  Driver,
  DriverValues,
  Hundredths,
  Member,
  SimpleRule,
} from './allocation-rules.ts';
export type { Attendance } from './allocation-rules.ts';
export { daysHeld, parsePeriod } from './periods.ts';
export { rechargedIn } from './recharged.ts';
export type { Recharged } from './recharged.ts';
export type { Period } from './periods.ts';
export { trueUp } from './true-up.ts';
export type { TrueUp, TrueUpLine } from './true-up.ts';
export { GREEN_BOOK_RATE, netPresentValue, paybackYear } from './business-case.ts';
export type { YearFlow } from './business-case.ts';
export { LEDGER_FIELDS, ledgerDate, ledgerLine, mappingProblems, suggestMapping } from './ledger-lines.ts';
export type { LedgerField, LedgerLine, LedgerMapping } from './ledger-lines.ts';
export { exitCost, restrictRule } from './exit-cost.ts';
export type { ExitCost, ExitLine } from './exit-cost.ts';
export { createFinanceService } from './recharge.service.ts';
export type {
  CouncilRef,
  FinanceDeps,
  FinanceService,
  LineView,
  PoolView,
  RunInputs,
  RunView,
  ExitModel,
  RuleView,
  Statement,
} from './recharge.service.ts';
export { createSavingsService } from './savings.service.ts';
export type {
  BusinessCaseInput,
  BusinessCaseView,
  Savings,
  SavingsRow,
  SavingsService,
} from './savings.service.ts';
export { NOBODY, OPERATOR, financeActorFor, hasFinanceRole } from './finance-actor.ts';
export type { FinanceActor } from './finance-actor.ts';
export { RuleFormatError, describeRule, ruleFromJson, ruleToJson } from './rule-json.ts';
export { addRechargeCommand } from './recharge.command.ts';
export { financeApiRoutes } from './finance.routes.ts';
export { financePages } from './finance.pages.ts';
export { savingsPages } from './savings.pages.ts';
export { RULE_KINDS, rulePages, ruleFromForm } from './rules.pages.ts';
export { LedgerImportError, MAX_PROBLEMS, fileSha256, importLedger } from './ledger-import.ts';
export type { LedgerImportRequest, LedgerImportResult } from './ledger-import.ts';
export {
  OUTTURN_FORMAT,
  importOutturnFile,
  outturnOf,
  outturnYear,
  penceFromThousands,
} from './outturn.import.ts';
export type { OutturnFigures } from './outturn.import.ts';
export {
  endPoolMembershipsIn,
  poolsIn,
  readRule,
  recordRuleIn,
  ruleWords,
  rulesIn,
  sharingOn,
} from './rule-change.ts';
export type { PoolSummary, RuleRow } from './rule-change.ts';
