/**
 * The virus-scan hook for meeting papers, built from configuration (PAPER_SCAN_COMMAND): the
 * command runs with the file on standard input, without a shell (its words are split on spaces),
 * for at most 60 seconds. Exit 0 is clean and 1 infected, as clamdscan and clamscan answer;
 * anything else (another code, a timeout, a command that cannot start) is a scan that could not
 * run, and the paper is refused. With no command configured every paper is "not scanned", which
 * staff see beside it.
 */
import { spawn } from 'node:child_process';
import type { ScanPaper, ScanResult } from '../governance/index.ts';

export const SCAN_TIMEOUT_MS = 60_000;

export function paperScanner(command: readonly string[] | undefined, timeoutMs = SCAN_TIMEOUT_MS): ScanPaper {
  if (!command || command.length === 0) return async () => 'not_scanned';
  const [program, ...args] = command as [string, ...string[]];
  return (bytes) =>
    new Promise<ScanResult>((resolve, reject) => {
      const child = spawn(program, args, { shell: false, stdio: ['pipe', 'ignore', 'ignore'] });
      // Our own timer rather than spawn's, which a command that never starts would leave running.
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`the virus scan could not run: ${why}`));
      };
      child.on('error', (error) => fail(error.message));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve('clean');
        else if (code === 1) resolve('infected');
        else fail(`${program} ended with ${code ?? signal ?? 'no status'}`);
      });
      // A scanner that stops reading early (it found a virus in the first bytes) is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
}
