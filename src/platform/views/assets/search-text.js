/**
 * How a search for a service is read, the same in the browser (the autocomplete in app.js) and on
 * the server (register/service-search.ts): one file, served under /assets/ and imported by both,
 * so the list with JavaScript finds exactly what it finds without.
 */

/** Lower case, without accents, hyphens joined ("fly-tipping" → "flytipping"), other punctuation as spaces. */
export function normaliseSearchText(text) {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\w)-(\w)/g, '$1$2')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words that say nothing about which service is meant. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'my',
  'our',
  'in',
  'on',
  'for',
  'to',
  'and',
  'is',
  'it',
  'not',
  'about',
  'with',
]);

/** The words of a search that say which service is meant: normalised, without "the", "my" and the like. */
export function searchTerms(text) {
  return normaliseSearchText(text)
    .split(' ')
    .filter((term) => term !== '' && !STOP_WORDS.has(term));
}
