// A synth worker: synthesizes the stacks named after the workspace root and prints one JSON
// line per stack (a StackSynthResult), for `synthesizeInParallel` to relay.
import { resultOf, runSynth } from './synth-command';

const [workspaceRoot, ...stacks] = process.argv.slice(2);
if (!workspaceRoot || stacks.length === 0) {
  console.error('usage: synth-worker <workspace root> <stack>...');
  process.exit(2);
}
for (const outcome of await runSynth({ workspaceRoot, stacks })) console.log(JSON.stringify(resultOf(outcome)));
