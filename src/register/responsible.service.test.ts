import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageOf, outsideEnglandText } from './responsible.service.ts';

const MANCHESTER = {
  gss: 'E08000003',
  name: 'Manchester City Council',
  orgId: 7,
  jurisdiction: 'manchester',
};
const about = { service: 'household waste collection', place: 'M1 1AD' };

describe('coverageOf', () => {
  it('covers a council that is a member of a partnership in the register', () => {
    const coverage = coverageOf(
      MANCHESTER,
      { anyPartnership: true, memberOrgIds: [7], homepages: new Map([[7, 'http://www.manchester.gov.uk/']]) },
      about,
    );
    assert.deepEqual(coverage, { covered: true, homepageUrl: 'http://www.manchester.gov.uk/', text: null });
  });

  it('names a council outside the partnerships and its web site, and says this service does not cover it', () => {
    const coverage = coverageOf(
      MANCHESTER,
      {
        anyPartnership: true,
        memberOrgIds: [1, 2],
        homepages: new Map([[7, 'http://www.manchester.gov.uk/']]),
      },
      about,
    );
    assert.equal(coverage.covered, false);
    assert.equal(coverage.homepageUrl, 'http://www.manchester.gov.uk/');
    assert.equal(
      coverage.text,
      'Manchester City Council is responsible for household waste collection at M1 1AD. This service only takes ' +
        'reports for the councils of the partnerships it works for, and Manchester City Council is not one of them: ' +
        'contact Manchester City Council directly (http://www.manchester.gov.uk/).',
    );
  });

  it('covers every council while the register holds no partnership', () => {
    assert.equal(
      coverageOf(MANCHESTER, { anyPartnership: false, memberOrgIds: [], homepages: new Map() }, about)
        .covered,
      true,
    );
  });

  it('gives no web site that is not a web address', () => {
    const coverage = coverageOf(
      MANCHESTER,
      { anyPartnership: true, memberOrgIds: [], homepages: new Map([[7, 'javascript:alert(1)']]) },
      about,
    );
    assert.equal(coverage.homepageUrl, null);
    assert.match(coverage.text ?? '', /contact Manchester City Council directly\.$/);
  });
});

describe('outsideEnglandText', () => {
  it('says plainly that a place in another country is not covered', () => {
    assert.equal(
      outsideEnglandText('EH1 1YZ', 'Scotland'),
      'EH1 1YZ is in Scotland. This service only covers councils in England that work in its partnerships, so it ' +
        'cannot take reports there: contact the council for the address in Scotland.',
    );
    assert.match(
      outsideEnglandText('JE2 4WD', 'Channel Islands') ?? '',
      /^JE2 4WD is in the Channel Islands\..*its own government\.$/,
    );
  });

  it('says nothing for England or an unknown country', () => {
    assert.equal(outsideEnglandText('EX1 9ZZ', 'England'), null);
    assert.equal(outsideEnglandText('EX1 9ZZ', null), null);
  });
});
