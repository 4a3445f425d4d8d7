/**
 * Governance's door: proposals that change the register, decided by each council. Other modules
 * import only this file. So far it holds the rules of a proposal (`proposal-rules.ts`); the
 * proposals' tables, service, API and pages build on them.
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
