/**
 * The application's door for the demo, the one module beside it: importing reference data.
 * Other modules import only this file.
 */
export { importAllReferenceData, runImport } from './import.command.ts';
