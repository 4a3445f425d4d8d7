/**
 * Finding a service by the words people use: its LGSL name, the common words residents and
 * contact-centre staff say for it ("bins", "pothole", "dog mess"), or its LGSL number. The same
 * words go to the browser with each option, so the autocomplete that enhances a service list
 * matches exactly what the list does without JavaScript; both read a search with the one
 * `normaliseSearchText` (platform/views/assets/search-text.js). Pure: no database.
 */
import { normaliseSearchText as normalise, searchTerms } from '../platform/index.ts';

/**
 * What people call the services they most often ask about, by LGSL code. The words are GOV.UK's
 * names for those services in its local services list (`alphagov/publisher`,
 * `data/local_services.csv`) and the problem categories councils publish for them, as gathered in
 * ../shared/data/categories/two_tier_report_categories.csv, with the plain words people say.
 */
export const COMMON_WORDS: Readonly<Record<number, readonly string[]>> = {
  524: ['bins', 'rubbish', 'refuse', 'missed bin', 'bin collection', 'collection day', 'wheelie bin'],
  533: ['recycling', 'recycle', 'recycling box', 'bins'],
  530: ['garden waste', 'green bin', 'brown bin', 'bins'],
  528: ['bulky waste', 'large items', 'furniture', 'fridge', 'sofa'],
  587: ['fly-tipping', 'fly tipping', 'dumped rubbish', 'dumping'],
  580: ['litter', 'street sweeping', 'dirty street'],
  577: ['dog mess', 'dog poo', 'dog fouling'],
  584: ['graffiti', 'vandalism'],
  372: ['abandoned car', 'abandoned vehicle', 'dumped car'],
  412: ['noise', 'loud music', 'noisy neighbours', 'barking dog'],
  431: ['pests', 'rats', 'mice', 'wasps', 'cockroaches'],
  557: ['potholes', 'pothole', 'road repairs', 'damaged road'],
  537: ['pavement', 'footpath', 'paving', 'trip hazard'],
  564: ['street lights', 'street light', 'lamp post', 'light not working'],
  567: ['traffic lights', 'traffic signals'],
  555: ['road flooding', 'flooding', 'blocked drain', 'gully'],
};

/** The words a person might use for a service, beyond its name: for the browser's autocomplete too. */
export function serviceWords(lgslCode: number): string {
  return (COMMON_WORDS[lgslCode] ?? []).join(', ');
}

export interface SearchableService {
  lgslCode: number;
  label: string;
  description?: string;
}

/**
 * The services a query finds, best first: every word of the query (less words like "the" or "my")
 * must begin a word of the service's name or common words, or else of its description; a number
 * finds the LGSL service with that code. Matches in the name or common words come before matches
 * in the description only; then, in each, the list's own order.
 */
export function searchServices<T extends SearchableService>(services: readonly T[], query: string): T[] {
  const text = normalise(query);
  if (text === '') return [];
  if (/^[0-9]+$/.test(text)) return services.filter((s) => String(s.lgslCode) === text);
  const terms = searchTerms(text);
  if (terms.length === 0) return [];
  const begins = (words: readonly string[]) => terms.every((t) => words.some((w) => w.startsWith(t)));
  const ranked: Array<{ service: T; rank: number; index: number }> = [];
  services.forEach((service, index) => {
    const named = normalise(`${service.label} ${serviceWords(service.lgslCode)}`).split(' ');
    if (begins(named)) {
      const first = normalise(service.label).startsWith(terms[0]!) ? 0 : 1;
      ranked.push({ service, rank: first, index });
      return;
    }
    const described = [...named, ...normalise(service.description ?? '').split(' ')];
    if (begins(described)) ranked.push({ service, rank: 2, index });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map((r) => r.service);
}
