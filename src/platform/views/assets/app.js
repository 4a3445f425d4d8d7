/* global document, window */
import { initAll } from './govuk-frontend.min.js';
import './accessible-autocomplete.min.js';

initAll();

/** Lower case, hyphens joined ("fly-tipping" → "flytipping"), other punctuation as spaces: as the server reads a search. */
const normalise = (text) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\w)-(\w)/g, '$1$2')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

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

/**
 * A <select data-autocomplete> becomes GOV.UK's accessible autocomplete: type a service's name,
 * a common word for it (from each option's data-words) or its LGSL number. Without JavaScript the
 * plain list stays, with the same choices.
 */
for (const select of document.querySelectorAll('select[data-autocomplete]')) {
  const choices = [...select.options]
    .filter((option) => option.value !== '')
    .map((option, index) => ({
      text: option.textContent.trim(),
      words: normalise(`${option.textContent} ${option.dataset.words ?? ''}`).split(' '),
      index,
    }));
  const selected = select.options[select.selectedIndex];
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: selected && selected.value !== '' ? selected.textContent.trim() : '',
    minLength: 2,
    showNoOptionsFound: true,
    tNoResults: () => 'No service found: try another word, or its LGSL number',
    source(query, populate) {
      const terms = normalise(query)
        .split(' ')
        .filter((term) => term !== '' && !STOP_WORDS.has(term));
      if (terms.length === 0) return populate([]);
      const found = choices.filter((choice) =>
        terms.every((term) => choice.words.some((word) => word.startsWith(term))),
      );
      const first = (choice) => (normalise(choice.text).startsWith(terms[0]) ? 0 : 1);
      populate(found.sort((a, b) => first(a) - first(b) || a.index - b.index).map((choice) => choice.text));
    },
  });
}
