/**
 * The register's door: partnerships, arrangements, who is responsible, and the register's imports
 * and pages. Other modules import only this file.
 */
export { assignCasePrefixes } from './case-prefix.ts';
export {
  COUNCIL_FILES_NOT_IMPORTED,
  COUNCIL_FORMATS,
  councilFormatOf,
  importCouncilFile,
} from './councils.import.ts';
export type { CouncilFormatId } from './councils.import.ts';
export { registerPages } from './register.pages.ts';
export { REPORTABLE_SERVICES } from './reportable-services.ts';
export type { ReportableService } from './reportable-services.ts';
export { arrangementsInForce as arrangementsInForceIn, insertArrangement } from './register.repository.ts';
export { registerApiRoutes } from './register.routes.ts';
export {
  PUBLIC_ACTOR,
  checkArrangement,
  createRegisterService,
  recordArrangementIn,
} from './register.service.ts';
export type { Actor, RegisterService } from './register.service.ts';
export { joinPartnershipIn, leavePartnershipIn } from './membership.ts';
export type { MemberRole } from './membership.ts';
export { DELIVERY_LEVELS, DELIVERY_MODES } from './register.types.ts';
export type { Arrangement, ArrangementInput, Service } from './register.types.ts';
export { createResponsibleService, providerInForce } from './responsible.service.ts';
export type { CouncilRef, EachAnswer, ResponsibleAnswer, ResponsibleService } from './responsible.service.ts';
export { searchServices, serviceWords } from './service-search.ts';
export {
  SERVICE_FILES_NOT_IMPORTED,
  SERVICE_FORMATS,
  importServiceFile,
  serviceFormatOf,
} from './services.import.ts';
