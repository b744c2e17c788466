// The synth of a base commit, started before its stacks are known. Run with the base's files as
// the working directory and the estate as the argument, it loads the base's synth code and cdktf
// at once (while the caller's `nx affected` finds the candidates), then reads one line from
// stdin, a JSON array of stack names, and runs the base's own CLI on them:
// `platform --estate <estate> synth <stacks>` as of the base. Closed stdin without a line: it ends.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [estate] = process.argv.slice(2);
if (!estate) {
  console.error('usage: base-synth-process <estate folder> (stack names on stdin)');
  process.exit(2);
}
const tree = process.cwd();
// Before the base's code and cdktf load: without source maps unless debugging. Resolved in the
// base's tree like the rest, so a base from before this module keeps them (and is only slower).
await import('@platform/workspace/source-maps').then(
  (module: typeof import('@platform/workspace/source-maps')) => module.sourceMapsOnlyForDebugging(),
  () => undefined,
);
const cli = join(tree, 'tools/cli/bin/platform.mts');

// Only warms the module cache: the CLI imports the same files. A base without them (older
// layouts) loads what it has when its CLI runs, and fails there if it must.
const warmed = Promise.allSettled([import(pathToFileURL(join(tree, 'tools/synth/src/index.ts')).href), import('cdktf')]);

const line = await new Promise<string | undefined>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.once('line', (text) => {
    resolve(text);
    lines.close();
  });
  lines.once('close', () => resolve(undefined));
});
if (line === undefined) process.exit(0);
const stacks = JSON.parse(line) as string[];
await warmed;
process.argv = [process.argv[0]!, cli, '--estate', estate, 'synth', ...stacks];
await import(pathToFileURL(cli).href);
