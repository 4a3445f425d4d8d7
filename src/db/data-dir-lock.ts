/**
 * The embedded engine's lock on its data folder: one process at a time, and never two.
 *
 * The lock is a file, `jointly.lock`, naming its holder: process id, host, the process's start
 * (its start time in clock ticks since boot from /proc/PID/stat where the system has it, and the
 * boot it belongs to), and when it started, for people. It is created whole and only if absent
 * (written to a file of its own, then hard-linked into place), so no one ever reads half a lock.
 *
 * A holder is live while its process exists on this host with the same start: a process that is
 * stopped (SIGSTOP), busy or slow still holds the lock, however long; there is no timeout. A holder
 * whose process is gone (killed, crashed), or whose id now belongs to another process, is dead:
 * the lock is taken over at once. Taking over is serialised by a second file (`jointly.lock.takeover`)
 * made the same way, so two processes that find the same dead holder cannot both take the lock.
 * A lock held from another host cannot be checked and is never taken over: the message says which
 * host and which file to delete once that host no longer runs Jointly on the folder.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds a data folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Start of the process in clock ticks since boot (/proc/PID/stat field 22), if known. */
  startTicks: string | null;
  /** The boot the process belongs to (/proc/sys/kernel/random/boot_id), if known. */
  bootId: string | null;
  /** When the process started, ISO 8601 UTC: for messages. */
  startedAt: string;
}

/** What this host can tell about a process id. */
export interface ProcessProbe {
  host: string;
  bootId: string | null;
  /** 'none' if no process has this id; 'exists' if one has (whoever owns it). */
  exists(pid: number): 'none' | 'exists';
  /** Its start in clock ticks and whether it is a zombie, or null when the system cannot say. */
  stat(pid: number): { startTicks: string; zombie: boolean } | null;
}

export type HolderState = 'live' | 'dead' | 'elsewhere';

/**
 * Whether the holder of a lock still holds it: 'live' (never take the lock from it), 'dead' (take
 * the lock over at once) or 'elsewhere' (another host: cannot be checked, so never taken).
 */
export function holderState(holder: LockHolder, probe: ProcessProbe): HolderState {
  if (holder.host !== probe.host) return 'elsewhere';
  if (holder.bootId && probe.bootId && holder.bootId !== probe.bootId) return 'dead';
  if (probe.exists(holder.pid) === 'none') return 'dead';
  const stat = probe.stat(holder.pid);
  if (stat === null) return 'live';
  if (stat.zombie) return 'dead';
  if (holder.startTicks !== null && stat.startTicks !== holder.startTicks) return 'dead';
  return 'live';
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** /proc/PID/stat: the process's state and start time; the name in parentheses may hold spaces. */
function procStat(pid: number): { startTicks: string; zombie: boolean } | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the line, start time field 22.
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined || !/^\d+$/.test(startTicks)) return null;
  return { startTicks, zombie: state === 'Z' || state === 'X' };
}

/** The probe for this machine. */
export const hostProbe: ProcessProbe = {
  host: os.hostname(),
  bootId: readText('/proc/sys/kernel/random/boot_id')?.trim() || null,
  exists(pid) {
    try {
      process.kill(pid, 0);
      return 'exists';
    } catch (error) {
      // EPERM: the process exists but belongs to someone else.
      return (error as { code?: string }).code === 'ESRCH' ? 'none' : 'exists';
    }
  },
  stat: procStat,
};

/** This process as a holder. */
export function thisProcess(probe: ProcessProbe = hostProbe): LockHolder {
  return {
    pid: process.pid,
    host: probe.host,
    startTicks: probe.stat(process.pid)?.startTicks ?? null,
    bootId: probe.bootId,
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function parseHolder(text: string | null): LockHolder | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isSafeInteger(value.pid) || value.pid! <= 0 || typeof value.host !== 'string') return null;
    return {
      pid: value.pid!,
      host: value.host,
      startTicks: typeof value.startTicks === 'string' ? value.startTicks : null,
      bootId: typeof value.bootId === 'string' ? value.bootId : null,
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'an unknown time',
    };
  } catch {
    return null;
  }
}

/** The data folder is held by another process, live (or on another host, where it cannot be told). */
export class DatabaseInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseInUseError';
  }
}

/** The data folder is held by a live process (or one on another host), named in the message. */
export class DataDirLockedError extends DatabaseInUseError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly lockFile: string,
    state: 'live' | 'elsewhere',
  ) {
    const who =
      holder.pid === process.pid && state === 'live'
        ? 'this process'
        : `another Jointly process (process ${holder.pid} on ${holder.host}, started ${holder.startedAt})`;
    super(
      `The embedded database in ${dataDir} is in use by ${who}. ` +
        (state === 'elsewhere'
          ? `It cannot be checked from ${os.hostname()}: if ${holder.host} no longer runs Jointly on this folder, delete ${lockFile}.`
          : 'Stop that process first, or set JOINTLY_DATA_DIR to another folder.'),
    );
    this.name = 'DataDirLockedError';
  }
}

/** Creates `file` holding `text`, whole, only if it does not exist; false if it does. */
function createExclusive(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, text, { flag: 'wx', mode: 0o644 });
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  // A file system without hard links: created exclusively, then written (a reader may see it
  // empty for a moment, which lockDataDir allows for).
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** A lock file that does not say who holds it, written this long ago, is not being written now. */
const UNREADABLE_GRACE_MS = 2_000;

function modifiedMsAgo(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : Infinity;
}

/**
 * Removes `file` if it still holds `expected` (a dead holder's lock), safely against others doing
 * the same: it is moved aside under a name of our own, checked, and put back if it was not it.
 */
function removeIfUnchanged(file: string, expected: string): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  if (readText(aside) !== expected) {
    // Someone made a new one in the meantime: put theirs back.
    try {
      fs.linkSync(aside, file);
    } catch {
      // A third has made one since: theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** A lock left by earlier versions of Jointly: a folder, its time refreshed every 5 seconds. */
function removeOldStyleLock(lockFile: string, dataDir: string): void {
  const stat = fs.statSync(lockFile);
  if (Date.now() - stat.mtimeMs < 30_000) {
    throw new DatabaseInUseError(
      `The embedded database in ${dataDir} is in use by an older version of Jointly. Stop it first.`,
    );
  }
  fs.rmSync(lockFile, { recursive: true, force: true });
}

export interface DataDirLock {
  readonly file: string;
  /** Lets go of the folder (only if the lock is still this process's). */
  release(): void;
}

/**
 * Locks `dataDir` for this process: at once if it is free or its holder is dead; a
 * DataDirLockedError naming the holder if that is live or on another host.
 */
export function lockDataDir(dataDir: string, probe: ProcessProbe = hostProbe): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'jointly.lock');
  const takeover = `${file}.takeover`;
  const me = thisProcess(probe);
  const mine = `${JSON.stringify(me, null, 2)}\n`;
  const release = () => {
    if (readText(file) === mine) fs.rmSync(file, { force: true });
  };

  let busy: LockHolder | undefined;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) removeOldStyleLock(file, dataDir);
    if (createExclusive(file, mine)) return { file, release };
    const text = readText(file);
    if (text === null) continue; // released in between: try again
    const holder = parseHolder(text);
    if (!holder && modifiedMsAgo(file) < UNREADABLE_GRACE_MS) {
      sleep(20); // being written (only on a file system without hard links): read it again
      continue;
    }
    const state = holder ? holderState(holder, probe) : 'dead';
    if (state !== 'dead') throw new DataDirLockedError(dataDir, holder!, file, state);

    // The holder is dead: take over, one process at a time.
    if (!createExclusive(takeover, mine)) {
      const other = readText(takeover);
      const taker = parseHolder(other);
      if (other !== null && taker && holderState(taker, probe) === 'dead') {
        removeIfUnchanged(takeover, other);
      } else if (other !== null && !taker && modifiedMsAgo(takeover) >= UNREADABLE_GRACE_MS) {
        removeIfUnchanged(takeover, other);
      } else {
        if (taker) busy = taker;
        sleep(20); // another process is taking over: it takes a moment
      }
      continue;
    }
    try {
      if (readText(file) !== text) continue; // taken over or released meanwhile: look again
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(temporary, mine, { flag: 'wx', mode: 0o644 });
      fs.renameSync(temporary, file);
      return { file, release };
    } finally {
      if (readText(takeover) === mine) fs.rmSync(takeover, { force: true });
    }
  }
  if (busy) throw new DataDirLockedError(dataDir, busy, takeover, 'live');
  throw new DatabaseInUseError(
    `The embedded database in ${dataDir} could not be locked: its lock file ${file} keeps changing.`,
  );
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
