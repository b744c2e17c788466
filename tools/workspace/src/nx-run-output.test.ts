import { describe, expect, it } from 'vitest';
import { failedTaskLogs, taskSources } from './nx-run-output';

const LOG = [
  '',
  ' NX   Running targets synth, test for 2 projects:',
  '',
  '> nx run network:synth',
  '',
  '✓ network: dist/stacks/network/<env>/cdk.tf.json',
  '',
  '\u001b[2m> \u001b[22mnx run gke-cluster:synth',
  '',
  "✗ gke-cluster: environments/staging/gke-cluster.yaml:9: key 'nodePools.general.minNodes' minNodes must not exceed maxNodes",
  '(node:1) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 13 SIGINT listeners added to [process].',
  '(Use `node --trace-warnings ...` to show where the warning was created)',
  '',
  '> nx run network:test  [local cache]',
  '',
  ' Tests  25 passed (25)',
  '',
  ' NX   Ran targets synth, test for 2 projects (12s)',
  '',
  '   ✖  1/4 failed',
  '',
  '   Failed tasks:',
  '',
  '   - gke-cluster:synth',
  '',
].join('\n');

describe('the logs of failed Nx tasks', () => {
  it('keeps only the output of the tasks Nx lists as failed, from its header to the next task, without Nx\'s own listener warnings', () => {
    expect(failedTaskLogs(LOG)).toEqual([
      {
        task: 'gke-cluster:synth',
        log: "> nx run gke-cluster:synth\n\n✗ gke-cluster: environments/staging/gke-cluster.yaml:9: key 'nodePools.general.minNodes' minNodes must not exceed maxNodes",
      },
    ]);
  });

  it("joins what came under each of a batch task's two headers", () => {
    const batch = [
      '> nx run edge:synth  [local cache]',
      '',
      '✓ edge: dist/stacks/edge/<env>/cdk.tf.json',
      '',
      '> nx run network:synth',
      '',
      '',
      '> nx run network:synth',
      '',
      '✗ network: nothing written',
      "  [dev] environments/dev/network.yaml:12: key 'privateServiceAccess.prefixLength' Too big: expected number to be <=24; got 99",
      '',
      '',
      ' NX   Running target synth for 2 projects failed',
      '',
      'Failed tasks:',
      '',
      '- network:synth',
    ].join('\n');
    expect(failedTaskLogs(batch)).toEqual([
      {
        task: 'network:synth',
        log: "> nx run network:synth\n\n✗ network: nothing written\n  [dev] environments/dev/network.yaml:12: key 'privateServiceAccess.prefixLength' Too big: expected number to be <=24; got 99",
      },
    ]);
  });

  it('finds none in a run where every task passed', () => {
    expect(failedTaskLogs(LOG.slice(0, LOG.indexOf('   ✖')))).toEqual([]);
  });
});

describe('where each task of an Nx run got its outputs', () => {
  it('tells tasks that ran from those restored from the local or remote cache or left as they were', () => {
    const log = [
      '> nx run network:synth',
      '> nx run dns:synth  [local cache]',
      '> nx run edge:synth  [remote cache]',
      '\u001b[2m> \u001b[22mnx run iam:synth  \u001b[2m[existing outputs match the cache, left as is]\u001b[22m',
      '> nx run network:synth',
      'some output > nx run fake:synth',
    ].join('\n');
    expect(Object.fromEntries(taskSources(log))).toEqual({
      'network:synth': 'ran',
      'dns:synth': 'local cache',
      'edge:synth': 'remote cache',
      'iam:synth': 'existing outputs',
    });
  });
});
