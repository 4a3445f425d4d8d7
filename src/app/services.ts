/**
 * The composition root: builds every service once, from configuration and an open database.
 * Nothing imports a singleton; tests build the same graph with a test database.
 */
import type { Config } from './config.ts';
import type { Database } from '../db/index.ts';
import { createGeographyService, type GeographyService } from '../geography/index.ts';
import { createRegisterService, type RegisterService } from '../register/index.ts';
import { createResponsibleService, type ResponsibleService } from '../register/index.ts';
import { createAuthService, type AuthService } from '../platform/index.ts';
import {
  createCasesService,
  createOpen311Service,
  createOutboxViewer,
  createServiceInformation,
  dueDateFromServiceLevels,
  type CasesService,
  type Open311,
  type OutboxViewer,
  type ServiceInformationService,
} from '../frontdoor/index.ts';
import { caseloadByCouncil } from '../frontdoor/index.ts';
import { createFinanceService, type FinanceService } from '../finance/index.ts';
import { createSavingsService, type SavingsService } from '../finance/index.ts';
import { createGovernanceService, type GovernanceService } from '../governance/index.ts';
import { createProgrammeService, type ProgrammeService } from '../governance/index.ts';
import { createRiskService, type RiskService } from '../governance/index.ts';
import { createAppraisalService, type AppraisalService } from '../governance/index.ts';
import { createMeetingService, type MeetingService } from '../governance/index.ts';
import { createMeasuresService, type MeasuresService } from '../performance/index.ts';
import { createLocalityService, type LocalityService } from '../performance/index.ts';
import { createReportService, type ReportService } from '../performance/index.ts';
import { createBenchmarkService, type BenchmarkService } from '../performance/index.ts';
import { reportSources } from './report-sources.ts';
import { paperScanner } from './paper-scan.ts';

export interface AppServices {
  config: Config;
  database: Database;
  geography: GeographyService;
  register: RegisterService;
  responsible: ResponsibleService;
  auth: AuthService;
  cases: CasesService;
  /** The outbox as staff read it. */
  outbox: OutboxViewer;
  /** Each council's own words about its services. */
  information: ServiceInformationService;
  /** Open311 GeoReport v2. */
  open311: Open311;
  /** Cost pools, allocation rules and recharge runs. */
  finance: FinanceService;
  /** Savings against each council's baseline, and business cases. */
  savings: SavingsService;
  /** Proposals that change the register, decided by each council. */
  governance: GovernanceService;
  /** Each partnership's programme, with each authority's go/no-go decisions. */
  programmes: ProgrammeService;
  /** Each partnership's risk log. */
  risks: RiskService;
  /** Each partnership's option appraisals. */
  appraisals: AppraisalService;
  /** Bodies' members, meetings, agendas, papers and minutes. */
  meetings: MeetingService;
  /** Measures, targets and their status, from the day summaries and officers' values. */
  measures: MeasuresService;
  /** Each district's locality plan: what each tier commits to, and its state. */
  localities: LocalityService;
  /** Each council's quarterly report and its councillors' scrutiny view. */
  reports: ReportService;
  /** Each council against its partners and its peers across England. */
  benchmarks: BenchmarkService;
}

export async function createServices(config: Config, database: Database): Promise<AppServices> {
  const geography = await createGeographyService(database.db);
  const register = createRegisterService(database.db);
  const responsible = createResponsibleService({ db: database.db, geography });
  const auth = await createAuthService({ db: database.db, config });
  const cases = createCasesService({ db: database.db, responsible, dueDate: dueDateFromServiceLevels });
  const outbox = createOutboxViewer(database.db);
  const information = createServiceInformation(database.db);
  const open311 = createOpen311Service({ db: database.db, cases, register, responsible });
  const finance = createFinanceService({
    db: database.db,
    register,
    caseload: (query) => caseloadByCouncil(database.db, query),
  });
  const savings = createSavingsService({ db: database.db, register, finance });
  const governance = createGovernanceService({ db: database.db, register });
  const programmes = createProgrammeService({ db: database.db, register });
  const risks = createRiskService({ db: database.db, register });
  const appraisals = createAppraisalService({ db: database.db, register });
  const meetings = createMeetingService({
    db: database.db,
    register,
    scanPaper: paperScanner(config.paperScanCommand),
  });
  const measures = createMeasuresService({ db: database.db, register });
  const localities = createLocalityService({
    db: database.db,
    register,
    bodies: async (orgId) =>
      (await governance.bodies([orgId])).map((b) => ({ bodyId: b.bodyId, name: b.name })),
  });
  const reports = createReportService({
    db: database.db,
    measures,
    register,
    localities,
    sources: reportSources({ risks, savings, governance }),
  });
  return {
    config,
    database,
    geography,
    register,
    responsible,
    auth,
    cases,
    outbox,
    information,
    open311,
    finance,
    savings,
    governance,
    programmes,
    risks,
    appraisals,
    meetings,
    measures,
    localities,
    reports,
    benchmarks: createBenchmarkService({ db: database.db, register }),
  };
}
