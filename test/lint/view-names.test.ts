/**
 * Every module's views share one search path (`views.plugin.ts`), so two templates with the same
 * file name would shadow each other: a page would render another module's template. Names are
 * unique across `src/`.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.join(import.meta.dirname, '..', '..', 'src');

describe('view templates', () => {
  it('have file names unique across every module', () => {
    const seen = new Map<string, string[]>();
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.njk')) continue;
      const where = path.relative(root, path.join(entry.parentPath, entry.name));
      seen.set(entry.name, [...(seen.get(entry.name) ?? []), where]);
    }
    const twice = [...seen.values()].filter((paths) => paths.length > 1);
    assert.ok(seen.size > 20, `templates found: ${seen.size}`);
    assert.deepEqual(twice, []);
  });
});
