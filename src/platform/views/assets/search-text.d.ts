/** Types for search-text.js, which the browser loads as it is. */
export declare function normaliseSearchText(text: string): string;
export declare function searchTerms(text: string): string[];
