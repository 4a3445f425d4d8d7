/**
 * A text cell of a CSV file as a spreadsheet should read it: one that starts with a formula
 * character gets a leading apostrophe, so that opening the file runs nothing (CSV injection). Use
 * it for text; numbers are written as numbers.
 */
export const spreadsheetSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
