/* global document, window */
import { initAll } from './govuk-frontend.min.js';
import './accessible-autocomplete.min.js';
import { normaliseSearchText as normalise, searchTerms } from './search-text.js';

initAll();

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
      const terms = searchTerms(query);
      if (terms.length === 0) return populate([]);
      const found = choices.filter((choice) =>
        terms.every((term) => choice.words.some((word) => word.startsWith(term))),
      );
      const first = (choice) => (normalise(choice.text).startsWith(terms[0]) ? 0 : 1);
      populate(found.sort((a, b) => first(a) - first(b) || a.index - b.index).map((choice) => choice.text));
    },
  });
}
