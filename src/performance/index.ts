/**
 * The performance module's door: measures computed from the front door's cases, targets and their
 * status, benchmarking against partners and peers, and values officers enter or import. Other
 * modules import only this file.
 */
export {
  FIRST_START_YEAR,
  LAST_START_YEAR,
  contains,
  formatPeriod,
  lastEndedQuarter,
  periodContaining,
  periodInWords,
  previousPeriod,
  quartersEndingWith,
  quartersOf,
  readPeriod,
  samePeriodLastYear,
  yearOf,
} from './periods.ts';
export type { PeriodReading, Quarter, ReportingPeriod } from './periods.ts';
export {
  CHANNELS,
  CHANNEL_WORDS,
  MEASURES,
  REPEAT_DISTANCE_METRES,
  REPEAT_WINDOW_DAYS,
  measureById,
} from './measures.ts';
export type { Frequency, Measure, MeasureSource, MeasureUnit, Polarity } from './measures.ts';
export {
  DAYS_CAP,
  NO_CASES,
  OVERFLOW_BUCKET,
  bucketOf,
  costPerCase,
  histogramFromJson,
  histogramToJson,
  mergeHistograms,
  mergeSummaries,
  percentileFromHistogram,
  requestsReceived,
  summariesIn,
  summariseCases,
  valueFromCases,
} from './day-summary.ts';
export type { CaseCounts, CaseFacts, DaySummary, DaysHistogram, Percentile } from './day-summary.ts';
export { metresBetween, repeatRequests } from './repeat-requests.ts';
export type { PlacedRequest } from './repeat-requests.ts';
export { assess, directionOfTravel, ragStatus } from './status.ts';
export type { Assessment, Direction, Rag, Target } from './status.ts';
export {
  COUNCIL_CLASSES,
  OUTTURN_CLASSES,
  choosePeers,
  councilClassOf,
  peerMethod,
  spendPerHead,
  standing,
} from './peers.ts';
export type { Council, CouncilClass, PeerChoice } from './peers.ts';
export { provenanceInWords, readMeasureValue, readValueFor } from './measure-values.ts';
export type { MeasureValue, Provenance, ValueReading } from './measure-values.ts';
export {
  addRatios,
  compareRatios,
  formatDecimal,
  ratio,
  ratioToNumber,
  roundHalfAwayFromZero,
  share,
  subtractRatios,
} from './ratio.ts';
export type { Ratio } from './ratio.ts';
export { createMeasuresService, apiNumber } from './measures.service.ts';
export type {
  MeasureLine,
  MeasureReport,
  MeasureSeries,
  MeasuresDeps,
  MeasuresService,
} from './measures.service.ts';
export { MEASURES_OPERATOR, measuresActorFor, mayKeepMeasuresOf } from './measures-actor.ts';
export type { MeasuresActor } from './measures-actor.ts';
export { measuresApiRoutes } from './measures.routes.ts';
export { RECENT_DAYS, recentSpan, refreshSummaries, summaryRefreshTimer } from './summary.service.ts';
export type { RefreshResult, SummaryTimer } from './summary.service.ts';
export { addMeasuresRefreshCommand } from './summary.command.ts';
export {
  COMMITMENT_STATES,
  LOCALITY_LIMITS,
  TIERS,
  createLocalityService,
  tierIn,
} from './locality.service.ts';
export type {
  AgreementInput,
  CommitmentInput,
  CommitmentState,
  LocalitiesView,
  LocalityService,
  ObjectiveInput,
  PlanInput,
  PlanView,
  StateInput,
} from './locality.service.ts';
export { LOCALITY_OPERATOR, LOCALITY_PUBLIC, localityActorFor } from './locality-actor.ts';
export type { LocalityActor } from './locality-actor.ts';
export { localityPages } from './locality.pages.ts';
export { QUARTERS_SHOWN, createReportService, exceptionReasons, mayScrutinise } from './report.service.ts';
export type {
  QuarterlyReport,
  ReportDeps,
  ReportPlan,
  ReportRisk,
  ReportSaving,
  ReportService,
  ReportSources,
  ScrutinyView,
  WaitingDecision,
} from './report.service.ts';
export { reportPages } from './report.pages.ts';
export {
  PEER_COUNT,
  SERVICE_AREA_LINES,
  SHARED_MEASURES,
  createBenchmarkService,
} from './benchmark.service.ts';
export type { BenchmarkService, BenchmarkView, PeerSpend } from './benchmark.service.ts';
export { benchmarkPages } from './benchmark.pages.ts';
