import { describe, expect, it } from 'vitest';
import { runGraph } from './run-graph';

const graph = new Map<string, readonly string[]>([
  ['base', []],
  ['app', ['base']],
  ['data', ['base']],
  ['edge', ['app', 'data']],
]);

function recorder() {
  const events: string[] = [];
  let active = 0;
  let peak = 0;
  const task = async (stack: string) => {
    active++;
    peak = Math.max(peak, active);
    events.push(`start ${stack}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    events.push(`end ${stack}`);
    active--;
    return stack.toUpperCase();
  };
  return { events, task, peak: () => peak };
}

describe('running a task per stack along the dependency graph', () => {
  it('starts a stack only after its upstreams ended, and runs independent stacks together', async () => {
    const { events, task, peak } = recorder();
    const results = await runGraph(graph, task, { concurrency: 4 });
    expect(results.get('edge')).toEqual({ status: 'done', value: 'EDGE' });
    expect(events.indexOf('start app')).toBeGreaterThan(events.indexOf('end base'));
    expect(events.indexOf('start edge')).toBeGreaterThan(Math.max(events.indexOf('end app'), events.indexOf('end data')));
    expect(peak()).toBe(2);
  });

  it('never runs more tasks at once than the concurrency allows', async () => {
    const { task, peak } = recorder();
    await runGraph(new Map([['a', []], ['b', []], ['c', []]]), task, { concurrency: 1 });
    expect(peak()).toBe(1);
  });

  it('runs consumers before their upstreams when reversed', async () => {
    const { events, task } = recorder();
    await runGraph(graph, task, { concurrency: 4, reverse: true });
    expect(events.indexOf('start base')).toBeGreaterThan(Math.max(events.indexOf('end app'), events.indexOf('end data')));
    expect(events.indexOf('start app')).toBeGreaterThan(events.indexOf('end edge'));
  });

  it('skips the stacks that wait for a failed one and still runs the others', async () => {
    const results = await runGraph(graph, async (stack) => {
      if (stack === 'app') throw new Error('boom');
      return stack;
    }, { concurrency: 2 });
    expect(results.get('app')).toMatchObject({ status: 'failed' });
    expect(results.get('data')).toEqual({ status: 'done', value: 'data' });
    expect(results.get('edge')).toEqual({ status: 'skipped', blockedBy: 'app' });
  });

  it('runs every task after a failure when asked to continue (teardown)', async () => {
    const results = await runGraph(graph, async (stack) => {
      if (stack === 'edge') throw new Error('boom');
      return stack;
    }, { concurrency: 2, reverse: true, continueOnFailure: true });
    expect([...results.values()].map((r) => r.status)).toEqual(['done', 'done', 'done', 'failed']);
  });

  it('names a cycle', async () => {
    await expect(runGraph(new Map([['a', ['b']], ['b', ['a']]]), async () => 1, { concurrency: 1 })).rejects.toThrow(/cycle/);
  });
});
