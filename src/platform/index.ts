/**
 * The platform's door: what every feature module shares (errors, bounds, dates, audit, idempotency,
 * sign-in and access, imports, views). Other modules import only this file.
 */
export { recordAudit, recordAudits } from './audit.ts';
export { addAccessCommands } from './auth/access.command.ts';
export { accessPages } from './auth/access.pages.ts';
export { addAccountCommand } from './auth/account.command.ts';
export { authentication } from './auth/auth.plugin.ts';
export { createAuthService } from './auth/auth.service.ts';
export type { AuthService } from './auth/auth.service.ts';
export { requireCsrfToken } from './auth/csrf.ts';
export type { Principal } from './auth/principal.ts';
export { MAX_ID, MAX_INT, isIntCode, parseId, parseIntCode } from './bounds.ts';
export { formatDate, isIsoDate } from './dates.ts';
export { spreadsheetSafe } from './csv-safe.ts';
export { endOfLondonDay, londonWallClock, todayInLondon } from './london-time.ts';
export type { LondonWallClock } from './london-time.ts';
export { answerClientError, classifyError, errorHandling, isDataException } from './error-handling.ts';
export {
  ProblemError,
  ValidationProblem,
  badRequest,
  conflict,
  forbidden,
  notFound,
  unlessRefused,
} from './errors.ts';
export { checkIdempotencyKey, isDuplicateKey, requestHash, storedAnswer } from './idempotency.ts';
export type { IdempotentRequest } from './idempotency.ts';
export {
  BATCH_SIZE,
  CsvFile,
  CsvHeader,
  MAX_INT4,
  inBatches,
  matchFormat,
  unknownHeader,
} from './import/csv-source.ts';
export type { CsvFormat, CsvRecord, CsvRow } from './import/csv-source.ts';
export { fileSize, jsonSyntaxError, readFeatures } from './import/geojson-source.ts';
export { ImportError } from './import/import-error.ts';
export { terminalProgress } from './import/progress.ts';
export type { Progress } from './import/progress.ts';
export { Tally } from './import/tally.ts';
export type { NotImported } from './import/tally.ts';
export { textOnly } from './import/text-check.ts';
export { lastOfEachKey, rowKey, updateRows, upsertRows } from './import/upsert.ts';
export type { ColumnRule, Row, TableSpec } from './import/upsert.ts';
export { notifySender } from './notify-sender.ts';
export { normaliseSearchText, searchTerms } from './views/assets/search-text.js';
export { createOutboxWorker, localSender } from './outbox-worker.ts';
export { enqueue, listMessages, messageById } from './outbox.ts';
export type { MessageFilter, OutboxMessage, OutboxState, StoredMessage } from './outbox.ts';
export { brandOf } from './views/brand.ts';
export { dateFrom, dateGiven } from './views/date-input.ts';
export { bannerFor } from './views/banner.ts';
export { FormBody, formValues, underFields } from './views/form-body.ts';
export type { FormErrors, FormValues } from './views/form-body.ts';
export { heatMapChartSvg, runChartSvg, smallMultiplesSvg, stackedBarChartSvg } from './views/charts.ts';
export type { HeatMapChart, RunChart, RunChartPoint, SmallMultiplesChart } from './views/charts.ts';
export { views } from './views/views.plugin.ts';
