/**
 * The geography module's door: places (postcodes, points, areas and their kinds), the geography
 * service and its imports. Other modules import only this file.
 */
export { BELOW_COUNCIL_KINDS, DEFINABLE_KINDS, kindText, specificity } from './area-kinds.ts';
export type { DefinableKind } from './area-kinds.ts';
export { importAreaBoundaryFile } from './area-boundaries.import.ts';
export {
  MAX_AREA_NAME,
  areaCodeFor,
  codeTakenBy,
  countPostcodesIn,
  defineAreas,
  importAreaFile,
  parseAreaKind,
  postcodesInPrefixes,
} from './areas.import.ts';
export type { AreaImportOptions } from './areas.import.ts';
export { geographyRoutes } from './areas.routes.ts';
export { importBoundaryFile, inspectBoundaryFile } from './boundaries.import.ts';
export { PlaceSchema } from './geography.schemas.ts';
export { createGeographyService } from './geography.service.ts';
export type { AreaRef, GeographyService, PlaceLookup } from './geography.service.ts';
export { PostcodeFormatError, parsePostcodeQuery, postcodeInText } from './postcode.ts';
export { MAX_SECTORS, parseSectorList } from './sectors.ts';
export { POSTCODE_FORMATS, detectPostcodeFormat, importPostcodeFile } from './postcodes.import.ts';
