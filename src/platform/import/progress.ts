/**
 * Progress of long work (imports, demo loading). On a terminal it draws a bar; elsewhere (CI logs,
 * files) it prints one line per stage so that logs stay readable. Tests use `silentProgress`.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** A new stage; `total` is the number of units (rows, bytes) when known. */
  start(label: string, total?: number): void;
  /** `units` more done (default 1). */
  tick(units?: number): void;
  /** The stage is finished. */
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

export function terminalProgress(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) {
    let label = '';
    let done = 0;
    return {
      start(next, total) {
        label = next;
        done = 0;
        stream.write(`${label}${total === undefined ? '' : ` (${total})`}…\n`);
      },
      tick(units = 1) {
        done += units;
      },
      stop() {
        stream.write(`${label}: done (${done})\n`);
      },
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let value = 0;
  let total = 0;
  return {
    start(label, size) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(28).slice(0, 28)} {bar} {percentage}% | {value}/{total} | {duration_formatted}`,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      value = 0;
      total = size ?? 0;
      bar.start(total, 0);
    },
    tick(units = 1) {
      if (!bar) return;
      value += units;
      // When the size was not known, the total grows with the work.
      if (value > total) bar.setTotal((total = value));
      bar.update(value);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
