import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { casePrefixCandidates } from '../../register/case-prefix.ts';
import {
  REFERENCE_EXAMPLE,
  REFERENCE_PATTERN,
  formatReference,
  normaliseReference,
  parseReference,
  referencePrefix,
  type ReferenceParts,
} from './case-reference.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const DIGITS = '0123456789'.split('');
const word = (chars: string[], minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { minLength, maxLength }).map((c) => c.join(''));

/** Any prefix an organisation may have: two to six capitals, then up to two digits. */
const prefix = fc.tuple(word(LETTERS, 2, 6), word(DIGITS, 0, 2)).map(([l, d]) => l + d);
const parts: fc.Arbitrary<ReferenceParts> = fc
  .record({
    prefix,
    year: fc.integer({ min: 1000, max: 9999 }),
    number: fc.integer({ min: 1, max: 999_999 }),
  })
  // fc.record makes objects without a prototype; a reference's parts are plain objects.
  .map((p) => ({ ...p }));
/** Whitespace people (and copying from a message) put around what they type. */
const space = fc.array(fc.constantFrom(' ', '\t', '\n', '\u00a0'), { maxLength: 4 }).map((s) => s.join(''));

describe('case references', () => {
  it('formats the example as people see it', () => {
    assert.equal(formatReference({ prefix: 'EXE', year: 2026, number: 123 }), REFERENCE_EXAMPLE);
    assert.deepEqual(parseReference(REFERENCE_EXAMPLE), { prefix: 'EXE', year: 2026, number: 123 });
  });

  it('parses any reference it formats back to the same parts', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const reference = formatReference(p);
        assert.deepEqual(parseReference(reference), p);
        assert.equal(referencePrefix(reference), p.prefix);
        assert.equal(normaliseReference(reference), reference);
        assert.match(reference, new RegExp(REFERENCE_PATTERN));
      }),
    );
  });

  it('takes a reference typed in any case with spaces around it', () => {
    fc.assert(
      fc.property(parts, fc.func(fc.boolean()), space, space, (p, upper, before, after) => {
        const reference = formatReference(p);
        const typed = [...reference].map((c, i) => (upper(i) ? c.toUpperCase() : c.toLowerCase())).join('');
        assert.equal(normaliseReference(before + typed + after), reference);
      }),
    );
  });

  it('accepts from any text only a reference it would format itself', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('A', 'e', '1', '-', '0', ' ') })),
        (text) => {
          const reference = normaliseReference(text);
          if (reference === null) return;
          assert.equal(formatReference(parseReference(reference)!), reference);
        },
      ),
    );
  });

  it('refuses a reference with a part missing, too long, out of place or out of range', () => {
    const broken = fc.oneof(
      // Drop one character of the year or the number.
      fc.tuple(parts, fc.nat()).map(([p, at]) => {
        const r = formatReference(p);
        const i = r.length - 11 + (at % 11);
        return r[i] === '-' ? r.slice(0, i - 1) + r.slice(i) : r.slice(0, i) + r.slice(i + 1);
      }),
      // A seventh digit in the number, a fifth in the year.
      fc.tuple(parts, fc.constantFrom(...DIGITS)).map(([p, d]) => formatReference(p) + d),
      fc.tuple(parts, fc.constantFrom(...DIGITS)).map(([p, d]) => {
        const r = formatReference(p);
        return r.slice(0, r.length - 7) + d + r.slice(r.length - 7);
      }),
      // A letter where a digit of the year or the number belongs.
      fc.tuple(parts, fc.nat(), fc.constantFrom(...LETTERS)).map(([p, at, letter]) => {
        const r = formatReference(p);
        const digits = [...r].flatMap((c, i) => (i >= r.length - 11 && c !== '-' ? [i] : []));
        const i = digits[at % digits.length]!;
        return r.slice(0, i) + letter + r.slice(i + 1);
      }),
      // Another separator, or spaces inside.
      fc
        .tuple(parts, fc.constantFrom('', ' ', '/', '_', '–', '--'))
        .map(([p, sep]) => formatReference(p).replace('-', sep)),
      // Prefixes no organisation has: one letter, seven letters, three digits, a digit first.
      fc.tuple(word(LETTERS, 1, 1), parts).map(([l, p]) => formatReference(p).replace(/^[^-]*/, l)),
      fc.tuple(word(LETTERS, 7, 9), parts).map(([l, p]) => formatReference(p).replace(/^[^-]*/, l)),
      fc
        .tuple(word(LETTERS, 2, 4), word(DIGITS, 3, 4), parts)
        .map(([l, d, p]) => formatReference(p).replace(/^[^-]*/, l + d)),
      fc
        .tuple(word(DIGITS, 1, 2), prefix, parts)
        .map(([d, x, p]) => formatReference(p).replace(/^[^-]*/, d + x)),
      // Number 0 and years before 1000 are in no series.
      fc.tuple(prefix, fc.integer({ min: 1000, max: 9999 })).map(([x, y]) => `${x}-${y}-000000`),
      fc
        .tuple(prefix, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 999_999 }))
        .map(([x, y, n]) => `${x}-${String(y).padStart(4, '0')}-${String(n).padStart(6, '0')}`),
    );
    fc.assert(
      fc.property(broken, (text) => {
        assert.equal(normaliseReference(text), null, text);
        assert.equal(parseReference(text), null, text);
        assert.equal(referencePrefix(text), null, text);
      }),
    );
  });

  it('parses only the exact form: no spaces, capitals only', () => {
    fc.assert(
      fc.property(
        parts,
        space.filter((s) => s !== ''),
        (p, s) => {
          const reference = formatReference(p);
          assert.equal(parseReference(s + reference), null);
          assert.equal(parseReference(reference + s), null);
          assert.equal(parseReference(reference.toLowerCase()), null);
        },
      ),
    );
  });

  it('refuses to format parts that make no reference', () => {
    const wrong = fc.oneof(
      parts.chain((p) =>
        fc.oneof(
          fc.constantFrom(0, -1, 1_000_000, 1.5, Number.NaN).map((number) => ({ ...p, number })),
          fc
            .constantFrom(999, 10_000, 2026.5, -2026, Number.POSITIVE_INFINITY)
            .map((year) => ({ ...p, year })),
          fc.constantFrom('', 'E', 'exe', 'EXE-1', 'ABCDEFG', 'EX123', '1EX', 'EX E').map((prefix) => ({
            ...p,
            prefix,
          })),
        ),
      ),
    );
    fc.assert(
      fc.property(wrong, (p) => {
        assert.throws(() => formatReference(p), RangeError);
      }),
    );
  });

  it('has a reference for every prefix the register may give an organisation', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), parts, (slug, p) => {
        for (const candidate of casePrefixCandidates(slug)) {
          assert.equal(referencePrefix(formatReference({ ...p, prefix: candidate })), candidate);
        }
      }),
    );
  });
});
