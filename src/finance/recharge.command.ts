/**
 * `jointly recharge run --partnership SLUG --period 2025-26 [--issue] [--reason TEXT]`: runs every
 * pool of the partnership for the period as drafts (issued with --issue), showing progress on the
 * terminal, and prints one line per run with the run id last on the line; the last run's id is
 * on the last line. A period that already has an issued run gets a correction, which needs
 * --reason. The command line is the operator's: it acts as every partnership's finance lead.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ProblemError, ValidationProblem } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { formatPounds } from './money.ts';
import { OPERATOR } from './finance-actor.ts';
import type { FinanceService } from './recharge.service.ts';

type WithFinance = (work: (finance: FinanceService) => Promise<void>) => Promise<void>;

export function addRechargeCommand(
  program: Command,
  withFinance: WithFinance,
  progress: () => Progress,
  print: (line: string) => void = (line) => console.log(line),
): void {
  const recharge = program
    .command('recharge')
    .description('share the cost of shared services: recharge runs');
  recharge
    .command('run')
    .description(
      "run every pool of a partnership for a period as drafts (or issued, with --issue); each run's id is printed, the last on the last line",
    )
    .requiredOption('--partnership <slug>', 'the partnership, by slug, e.g. 2020-vision')
    .requiredOption(
      '--period <period>',
      'a financial year (2025-26), quarter (2025-26 Q1) or month (2025-04)',
    )
    .option('--issue', 'issue each run once made (an issued run never changes)')
    .option(
      '--reason <text>',
      'why: needed when a period already has an issued run (the new run corrects it)',
    )
    .action((options: { partnership: string; period: string; issue?: boolean; reason?: string }) =>
      withFinance(async (finance) => {
        const bar = progress();
        let started = false;
        try {
          const ids = await finance.runPartnership(OPERATOR, options.partnership, options.period, {
            issue: options.issue === true,
            ...(options.reason === undefined ? {} : { reason: options.reason }),
            onPool: (done, total) => {
              if (!started) {
                bar.start(`Recharge runs for ${options.partnership} ${options.period}`, total);
                started = true;
              }
              bar.tick();
              if (done === total) bar.stop();
            },
          });
          for (const id of ids) {
            const run = await finance.run(OPERATOR, id);
            const lines = `${run.lines.length} ${run.lines.length === 1 ? 'line' : 'lines'}`;
            const corrects = run.corrects === null ? '' : `, corrects ${run.corrects}`;
            print(
              `${run.pool.name}: ${run.state}, ${formatPounds(run.totalPence)}, ${lines}${corrects}, run ${id}`,
            );
          }
          print(ids.at(-1)!);
        } catch (error) {
          if (started) bar.stop();
          if (error instanceof ValidationProblem && 'reason' in error.fields) {
            throw new InvalidArgumentError(`${error.detail} (give it with --reason).`);
          }
          if (error instanceof ProblemError) throw new InvalidArgumentError(error.detail);
          throw error;
        }
      }),
    );
}
