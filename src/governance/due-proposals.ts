/**
 * Puts approved proposals into effect when their date comes, while the server runs: once at start
 * and then every interval (an hour by default, so a proposal due today takes effect within an hour
 * of midnight). Each proposal takes effect in its own transaction; one that fails is logged and
 * tried again next time, and the others go ahead. `jointly proposals-due` does the same once.
 */
import type { GovernanceService } from './proposal.service.ts';

export interface DueProposalsTimer {
  start(): void;
  stop(): void;
}

export function dueProposalsTimer(options: {
  governance: Pick<GovernanceService, 'applyDue'>;
  log: (entry: Record<string, unknown>, message: string) => void;
  everyMs?: number;
}): DueProposalsTimer {
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const applied = await options.governance.applyDue();
      if (applied.length > 0) options.log({ proposals: applied }, 'proposals took effect');
    } catch (error) {
      options.log({ err: error }, 'proposals due today could not all take effect; trying again later');
    }
  };
  return {
    start() {
      void tick();
      timer = setInterval(() => void tick(), options.everyMs ?? 60 * 60 * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
