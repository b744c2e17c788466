import type { Command } from 'commander';

export function registerFixtureRelease(program: Command): void {
  program
    .command('fixture-release')
    .description(
      'Give the fixture estate (tools/fixture-estate) something to drill: a clean clone of this checkout in <dir> in which every fixture stack is packaged, signed, published to <dir>/dist/store and promoted to --to (deployed for real on a local S3 server that runs for the length of the command), with the releases file and the signing key committed there. Prints the drill to run in the clone.',
    )
    .requiredOption('--into <dir>', 'an empty or absent folder for the clone, e.g. dist/fixture-drill')
    .option('--to <environment>', 'the fixture environment to promote to, the drill\'s --source', 'fx-prod')
    .action(async (options: { into: string; to: string }) => {
      const [{ existsSync, readdirSync }, { join, relative, resolve }, { listEnvironments }, { FIXTURE_ESTATE, releaseFixtureEstate, withFixtureStateServer }, { LocalDirectoryStore }, { findWorkspaceRoot, UsageError }] = await Promise.all([
        import('node:fs'),
        import('node:path'),
        import('@platform/config'),
        import('@platform/fixture-estate'),
        import('@platform/store'),
        import('@platform/workspace'),
      ]);
      const workspaceRoot = findWorkspaceRoot();
      const environments = listEnvironments(join(workspaceRoot, FIXTURE_ESTATE));
      if (!environments.includes(options.to)) throw new UsageError(`--to '${options.to}': ${FIXTURE_ESTATE}/environments has no such environment (it has ${environments.join(', ')})`);
      const into = resolve(options.into);
      if (existsSync(into) && readdirSync(into).length > 0) throw new UsageError(`--into ${options.into}: the folder is not empty; give a new one or remove it first`);
      await withFixtureStateServer(workspaceRoot, () =>
        releaseFixtureEstate({ workspaceRoot, store: (repository) => new LocalDirectoryStore(join(repository, 'dist/store')), version: '1.0.0', to: options.to, into, log: (line) => console.error(line) }),
      );
      const where = relative(process.cwd(), into) || '.';
      console.log(`${options.to} runs 1.0.0 of every fixture stack in the clone ${where} (artifacts in ${where}/dist/store). Drill it there:`);
      console.log(`  cd ${where} && npm run drill -- --estate ${FIXTURE_ESTATE} --env local --source ${options.to}`);
    });
}
