// A synth worker: synthesizes the stacks named after the workspace root and prints one JSON
// line per stack (a StackSynthResult), for `synthesizeInParallel` to relay.
import { runSynth } from './synth-command';

const [workspaceRoot, ...stacks] = process.argv.slice(2);
if (!workspaceRoot || stacks.length === 0) {
  console.error('usage: synth-worker <workspace root> <stack>...');
  process.exit(2);
}
await runSynth({ workspaceRoot, stacks, onResult: (result) => console.log(JSON.stringify(result)) });
