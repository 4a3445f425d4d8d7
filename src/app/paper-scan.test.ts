/**
 * The virus-scan hook for meeting papers: PAPER_SCAN_COMMAND read into a command and its words,
 * and the command run without a shell with the file on standard input: exit 0 clean, 1 infected,
 * anything else (another code, a command that cannot start, one that runs too long) a failure;
 * no command, "not scanned".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';
import { paperScanner } from './paper-scan.ts';

const FILE = new TextEncoder().encode('A paper.\n');

describe('the virus-scan hook', () => {
  it('reads PAPER_SCAN_COMMAND as a command and its words, or none', () => {
    const env = { NODE_ENV: 'test', PASSWORD_HASH_MEMORY_KIB: '64' };
    assert.deepEqual(
      loadConfig({ ...env, PAPER_SCAN_COMMAND: '  clamdscan  --no-summary - ' }).paperScanCommand,
      ['clamdscan', '--no-summary', '-'],
    );
    assert.equal(loadConfig({ ...env, PAPER_SCAN_COMMAND: '   ' }).paperScanCommand, undefined);
    assert.equal(loadConfig(env).paperScanCommand, undefined);
  });

  it('says "not scanned" with no command, and reads the scanner’s exit status', async () => {
    assert.equal(await paperScanner(undefined)(FILE), 'not_scanned');
    assert.equal(await paperScanner(['cat'])(FILE), 'clean');
    assert.equal(await paperScanner([process.execPath, '-e', 'process.exit(1)'])(FILE), 'infected');
    await assert.rejects(paperScanner([process.execPath, '-e', 'process.exit(2)'])(FILE), /could not run/);
    await assert.rejects(paperScanner(['/nonexistent/clamdscan', '-'])(FILE), /could not run/);
    await assert.rejects(paperScanner(['sleep', '5'], 200)(FILE), /could not run/);
  });

  it('passes words as they are, never through a shell', async () => {
    // With a shell, "; exit 0" would run and the scan would pass; as a word it is only an argument.
    assert.equal(
      await paperScanner([process.execPath, '-e', 'process.exit(1)', ';', 'exit', '0'])(FILE),
      'infected',
    );
  });
});
