import type { StackInfo } from './globalSetup.ts';
import { startFunctionsRunner } from './functionsRunner.ts';

/**
 * A functions runner in a process of its own (started with `fork`), so a test can measure
 * the relay's memory apart from the client's. It samples its RSS every 10 ms and answers
 * IPC messages: `mark` starts a measurement, `peak` answers the growth since the mark.
 */
export type RunnerMessage = { type: 'ready'; apiUrl: string } | { type: 'growth'; bytes: number };

const stack = JSON.parse(process.env.ARBIDESK_TEST_STACK ?? 'null') as StackInfo;
const runner = await startFunctionsRunner(stack, '');
let baseline = process.memoryUsage.rss();
let peak = baseline;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 10);
process.on('message', (message: { type: 'mark' | 'peak' | 'stop' }) => {
  if (message.type === 'mark') {
    baseline = process.memoryUsage.rss();
    peak = baseline;
    process.send?.({ type: 'growth', bytes: 0 } satisfies RunnerMessage);
  } else if (message.type === 'peak') {
    process.send?.({ type: 'growth', bytes: Math.max(peak, process.memoryUsage.rss()) - baseline } satisfies RunnerMessage);
  } else {
    void runner.stop().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', apiUrl: runner.apiUrl } satisfies RunnerMessage);
