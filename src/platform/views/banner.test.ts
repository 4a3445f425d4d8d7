import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bannerFor } from './banner.ts';

describe('a page’s success banner', () => {
  const banners = { saved: 'The risk is saved.' };
  it('is the page’s own banner for its word, and none for any other', () => {
    assert.equal(bannerFor(banners, 'saved'), 'The risk is saved.');
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'Saved'])
      assert.equal(bannerFor(banners, word), null, word);
    assert.equal(bannerFor(banners, undefined), null);
    assert.equal(bannerFor(banners, ['saved']), null);
  });
});
