/**
 * Governance's door: proposals that change the register, decided by each council, and the bodies
 * that decide them. Other modules import only this file. The rules of a proposal are in
 * `proposal-rules.ts`, the sovereignty check in `reserved-matters.ts`, who may in
 * `governance-actor.ts`; the register changes only through the register's own door.
 */
export {
  DECISIONS,
  PROPOSAL_STATES,
  adoptingCouncils,
  isDue,
  mayRecordDecision,
  proposalState,
  waitingFor,
} from './proposal-rules.ts';
export type {
  ApprovalFacts,
  ApprovalReason,
  Decision,
  DecisionRecorder,
  ProposalFacts,
  ProposalState,
} from './proposal-rules.ts';
export { NOBODY, OPERATOR, governanceActorFor } from './governance-actor.ts';
export type { GovernanceActor } from './governance-actor.ts';
export { PROPOSAL_LIMITS, createGovernanceService } from './proposal.service.ts';
export type {
  ArrangementChangeInput,
  ChangeInput,
  MemberChangeInput,
  RuleChangeInput,
  DecisionInput,
  GovernanceService,
  ProposalInput,
  RecommendationInput,
} from './proposal.service.ts';
export type { ApprovalView, BodyView, ChangeSide, ChangeView, ProposalView } from './proposal.views.ts';
export { CHANGE_KINDS, CHANGE_KIND_LABELS, councilsToAsk } from './change-kinds.ts';
export type { ChangeKind } from './change-kinds.ts';
export { proposalApiRoutes } from './proposal.routes.ts';
export { dueProposalsTimer } from './due-proposals.ts';
export { decisionFeeds } from './decisions.feed.ts';
export { proposalPages } from './proposal.pages.ts';
export { proposalDraftPages } from './proposal-draft.pages.ts';
export { sovereigntyPages } from './sovereignty.pages.ts';
export { sovereigntyRegister } from './sovereignty.ts';
export type { SovereigntyRegister } from './sovereignty.ts';
export { GO_NO_GO, createProgrammeService } from './programme.service.ts';
export type {
  GoNoGo,
  MilestoneView,
  ProgrammeInput,
  ProgrammeService,
  ProgrammeView,
} from './programme.service.ts';
export { programmePages } from './programme.pages.ts';
export { programmeApiRoutes } from './programme.routes.ts';
export { RISK_BANDS, TREATMENTS, createRiskService } from './risk.service.ts';
export type { RiskInput, RiskLog, RiskReviewInput, RiskService, RiskView } from './risk.service.ts';
export { riskPages } from './risk.pages.ts';
export { RATINGS, SOURCING_KINDS, createAppraisalService, scoreOptions } from './appraisal.service.ts';
export type { AppraisalInput, AppraisalService, AppraisalView, OptionRevision } from './appraisal.service.ts';
export { appraisalPages } from './appraisal.pages.ts';
export { councilDecisionPages } from './council-decisions.pages.ts';
export { awaitingDecisionsOf } from './awaiting.ts';
export type { AwaitingDecision } from './awaiting.ts';
export {
  BODY_KINDS,
  MEETING_LIMITS,
  MEMBER_KINDS,
  PAPER_KINDS,
  createMeetingService,
} from './meeting.service.ts';
export type { MeetingService, ScanPaper, ScanResult } from './meeting.service.ts';
export { meetingPages, paperUploads } from './meeting.pages.ts';
export { PAPER_TYPES, checkPaper } from './paper-check.ts';
