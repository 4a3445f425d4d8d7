/**
 * Tests read their answers from the code under test or from independent public data, never from a
 * copy of the rule they check: a copy agrees with the code while both are wrong, and drifts when
 * the rule changes (a test once decided "in force" itself and forgot `valid_to` and areas).
 *
 * The rule copied most often is "in force on a date": a start or end of an effective period
 * compared with a date, or an open end taken as "still in force". The register decides it
 * (`arrangementsInForce`, the override queries); a test asks the register. This file finds the
 * rule's fingerprints in every test file and fails on each, naming file and line.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const THIS_FILE = path.relative(ROOT, import.meta.filename);

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(relative);
    return entry.name.endsWith('.test.ts') ? [relative] : [];
  });
}

const PERIOD_END = /^valid_?(from|to)$/i;
/** `left < right`, `left >= right`: a comparison of two plain operands. */
const COMPARISON = /([\w.$!?]+)\s*(<=|>=|<|>)\s*([\w.$!?'"`]+)/g;
/** An open end read as "still in force": `valid_to IS NULL`, `validTo === null`, `validTo ?? …`. */
const OPEN_END = /\bvalid_?to\b\s*(IS\s+NULL|[!=]==?\s*null\b|\?\?)/i;

const lastName = (operand: string) =>
  operand
    .replace(/[!?]+$/, '')
    .split('.')
    .at(-1) ?? '';

/** What on a line looks like the "in force" rule: a period's start or end compared with a date. */
export function inForceCopies(line: string): string[] {
  const found: string[] = [];
  for (const match of line.matchAll(COMPARISON)) {
    const [whole, left = '', , right = ''] = match;
    // Two periods' starts compared with each other order history; one compared with a date decides it.
    if (PERIOD_END.test(lastName(left)) !== PERIOD_END.test(lastName(right))) found.push(whole.trim());
  }
  const open = OPEN_END.exec(line);
  if (open) found.push(open[0]);
  return found;
}

describe('tests never copy the rule they check', () => {
  it('finds the "in force" rule in the shapes it has been copied in, and nothing else', () => {
    for (const copied of [
      'if (a.validFrom > date) continue;',
      "rows.filter((r) => r.valid_from <= '2026-04-01')",
      'where valid_from <= $1 and (valid_to is null or valid_to > $1)',
      'const live = a.validTo === null || date < a.validTo;',
      'AND ro.valid_to IS NULL',
    ]) {
      assert.ok(inForceCopies(copied).length > 0, copied);
    }
    for (const fine of [
      'if (!seen || seen.validFrom < a.validFrom) latest.set(key, a);',
      'const rows: Array<Record<string, string>> = [];',
      '.map((r) => r.validFrom)',
      "assert.equal(a.validFrom, '2015-07-15', item);",
      'for (let n = 1; n <= 20; n++) {}',
    ]) {
      assert.deepEqual(inForceCopies(fine), [], fine);
    }
  });

  it('no test file decides "in force" itself', () => {
    const copies = [...testFiles('src'), ...testFiles('test')]
      .filter((file) => file !== THIS_FILE)
      .flatMap((file) =>
        readFileSync(path.join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, index) => inForceCopies(line).map((c) => `${file}:${index + 1}: ${c}`)),
      );
    assert.deepEqual(copies, [], `ask the register what is in force instead:\n${copies.join('\n')}`);
  });
});
