import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { dueProposalsTimer } from './due-proposals.ts';

describe('dueProposalsTimer', () => {
  it('puts due proposals into effect at start and every interval, logs what took effect and keeps going after a failure', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const answers: Array<string[] | Error> = [['a'], new Error('the register refused b'), []];
      const logs: string[] = [];
      const timer = dueProposalsTimer({
        governance: {
          applyDue: async () => {
            const next = answers.shift() ?? [];
            if (next instanceof Error) throw next;
            return next;
          },
        },
        log: (entry, message) => logs.push(`${message} ${JSON.stringify(entry.proposals ?? null)}`),
        everyMs: 1000,
      });
      timer.start();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(logs, ['proposals took effect ["a"]']);
      mock.timers.tick(1000);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(logs.length, 2);
      assert.match(logs[1]!, /could not all take effect/);
      mock.timers.tick(1000);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(answers.length, 0, 'asked again after the failure');
      assert.equal(logs.length, 2, 'nothing logged when nothing was due');
      timer.stop();
      mock.timers.tick(5000);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(logs.length, 2);
    } finally {
      mock.timers.reset();
    }
  });
});
