import { describe, expect, it } from 'vitest';
import { failedTaskLogs } from './nx';

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

  it('finds none in a run where every task passed', () => {
    expect(failedTaskLogs(LOG.slice(0, LOG.indexOf('   ✖')))).toEqual([]);
  });
});
