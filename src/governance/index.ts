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
  ApprovalView,
  BodyView,
  ChangeInput,
  DecisionInput,
  GovernanceService,
  ProposalInput,
  ProposalView,
  RecommendationInput,
} from './proposal.service.ts';
export { proposalApiRoutes } from './proposal.routes.ts';
export { dueProposalsTimer } from './due-proposals.ts';
