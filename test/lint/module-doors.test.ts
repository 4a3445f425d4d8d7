/**
 * The modules' doors and direction are kept by lint (eslint.config.js): these cases show that it
 * fails on a deep import across modules and on an upward import, and passes an import through a
 * door, so that the rule cannot quietly stop applying.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** The import-rule messages lint gives `code` as if it were the file `filePath`. */
async function importProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module doors and direction', () => {
  it('refuses a deep import into a module below', async () => {
    const problems = await importProblems(
      'src/frontdoor/cases/example.ts',
      "import { recordAudit } from '../../platform/audit.ts';\nexport const f = recordAudit;\n",
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /through its door, platform\/index\.ts/);
  });

  it('refuses a deep import between app and demo, which may import each other through their doors', async () => {
    const deep = await importProblems(
      'src/app/example.ts',
      "import { loadDemo } from '../demo/demo.loader.ts';\nexport const f = loadDemo;\n",
    );
    assert.equal(deep.length, 1);
    assert.match(deep[0]!, /through its door, demo\/index\.ts/);
    assert.deepEqual(
      await importProblems(
        'src/demo/example.ts',
        "import { runImport } from '../app/index.ts';\nexport const f = runImport;\n",
      ),
      [],
    );
  });

  it('refuses an import upward, even through the door', async () => {
    for (const [file, code] of [
      [
        'src/register/example.ts',
        "import { createCasesService } from '../frontdoor/index.ts';\nexport const f = createCasesService;\n",
      ],
      [
        'src/platform/example.ts',
        "import type { Config } from '../app/config.ts';\nexport type C = Config;\n",
      ],
      [
        'src/db/example.ts',
        "import { recordAudit } from '../platform/index.ts';\nexport const f = recordAudit;\n",
      ],
    ]) {
      const problems = await importProblems(file!, code!);
      assert.equal(problems.length, 1, `${file}: ${problems.join('; ')}`);
      assert.match(problems[0]!, /is below .*: it may not import it/);
    }
  });

  it('keeps governance and performance, side by side, from importing each other', async () => {
    for (const [file, code, other] of [
      [
        'src/performance/example.ts',
        "import { createProposalService } from '../governance/index.ts';\nexport const f = createProposalService;\n",
        'governance',
      ],
      [
        'src/governance/example.ts',
        "import { readPeriod } from '../performance/index.ts';\nexport const f = readPeriod;\n",
        'performance',
      ],
    ]) {
      const problems = await importProblems(file!, code!);
      assert.equal(problems.length, 1, `${file}: ${problems.join('; ')}`);
      assert.match(problems[0]!, new RegExp(`sits beside ${other}: neither imports the other`));
    }
  });

  it('lets performance read finance only through its door, and nothing below it read performance', async () => {
    assert.deepEqual(
      await importProblems(
        'src/performance/example.ts',
        "import { parsePeriod } from '../finance/index.ts';\nexport const f = parsePeriod;\n",
      ),
      [],
    );
    const deep = await importProblems(
      'src/performance/example.ts',
      "import { parsePeriod } from '../finance/periods.ts';\nexport const f = parsePeriod;\n",
    );
    assert.equal(deep.length, 1);
    assert.match(deep[0]!, /through its door, finance\/index\.ts/);
    const upward = await importProblems(
      'src/finance/example.ts',
      "import { readPeriod } from '../performance/index.ts';\nexport const f = readPeriod;\n",
    );
    assert.equal(upward.length, 1);
    assert.match(upward[0]!, /finance is below performance: it may not import it/);
  });

  it('passes an import through the door of a module below, and any import inside a module', async () => {
    assert.deepEqual(
      await importProblems(
        'src/frontdoor/cases/example.ts',
        "import { recordAudit } from '../../platform/index.ts';\nimport { x } from '../shared/text.ts';\nexport const f = [recordAudit, x];\n",
      ),
      [],
    );
  });
});

describe('the picture of the modules in docs/architecture.md', () => {
  it('has an arrow for each module that imports another, and no other arrows', async () => {
    const page = await readFile('docs/architecture.md', 'utf8');
    const chart = /```mermaid\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const drawn = new Set([...chart.matchAll(/^\s*(\w+) --> (\w+)\s*$/gm)].map((m) => `${m[1]} -> ${m[2]}`));
    const imported = new Set<string>();
    for (const entry of await readdir('src', { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      const file = path.join(entry.parentPath, entry.name);
      const from = path.relative('src', file).split(path.sep)[0]!;
      for (const match of (await readFile(file, 'utf8')).matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative('src', path.resolve(entry.parentPath, match[1]!)).split(path.sep)[0]!;
        if (!target.startsWith('..') && target !== from) imported.add(`${from} -> ${target}`);
      }
    }
    assert.deepEqual([...drawn].sort(), [...imported].sort());
  });
});
