/** Small text helpers the front door's rules and services share. */

/** How a limit is worded in a message: "4,000 characters or fewer". */
export const characters = (n: number): string => `${n.toLocaleString('en-GB')} characters or fewer`;

/** What was typed, trimmed, or null when nothing was. */
export const blankToNull = (text: string | undefined): string | null => {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/** An instant as ISO 8601 text, or null. */
export const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());
