/**
 * The front door's one public door: what other modules (the composition root, the CLI, the demo,
 * and tests outside the module) may use. Everything else in `src/frontdoor/` is the module's own.
 */

// Services, built once by the composition root.
export { createCasesService } from './cases/cases.service.ts';
export { caseloadByCouncil, type CaseloadQuery } from './cases/caseload.ts';
export { caseActivityBetween, type CaseActivityQuery, type CaseActivityRow } from './cases/case-activity.ts';
export type { CasesDeps, CasesService } from './cases/cases.types.ts';
export { RESIDENT, type CaseActor } from './cases/case-actor.ts';
export { formatReference, parseReference, type ReferenceParts } from './cases/case-reference.ts';
export { dueDateFromServiceLevels, englandAndWalesCalendar } from './service-levels/service-levels.ts';
export type { WorkingCalendar } from './service-levels/working-days.ts';
export { createOutboxViewer, type OutboxViewer } from './outbox/outbox-viewer.service.ts';
export {
  createServiceInformation,
  type ServiceInformationService,
} from './information/service-information.ts';
export { createOpen311Service, type Open311 } from './open311/open311.service.ts';

// Routes and pages, registered by the server.
export { casesApiRoutes } from './cases/cases.routes.ts';
export { deskPages } from './desk/desk.pages.ts';
export { outboxViewerPages } from './outbox/outbox-viewer.pages.ts';
export { serviceInformationPages } from './information/service-information.pages.ts';
export { residentPages } from './resident/resident.pages.ts';
export { open311Routes } from './open311/open311.routes.ts';

// Commands and imports.
export { addOpen311Command } from './open311/open311.command.ts';
export { createApiKey, type NewApiKey } from './open311/api-keys.ts';
export { importBankHolidayFile, SHIPPED_BANK_HOLIDAYS } from './service-levels/bank-holidays.import.ts';

// What a council's links to its own pages are, as the demo loads them.
export { linksFrom } from './information/service-information.ts';
