#!/usr/bin/env -S npx tsx
// Entry point of the platform commands; the logic lives in tools/cli/src.
import { Command } from 'commander';
import { registerStateCommands } from '../src/state-backup/commands';
import { findWorkspaceRoot } from '../src/workspace';

const program = new Command('platform')
  .description('Synthesize, check and test the infrastructure stacks of this workspace.')
  .showHelpAfterError();

program
  .command('synth')
  .description('Synthesize stacks for every environment into dist/stacks/<stack>/<env>/cdk.tf.json (all or nothing per stack).')
  .argument('[stacks...]', 'stack names (default: every stack)')
  .action(async (stacks: string[]) => {
    const { runSynth } = await import('../src/synth/synth-command');
    const outcomes = await runSynth({ workspaceRoot: findWorkspaceRoot(), stacks, log: (line) => console.log(line) });
    if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
  });

program
  .command('check')
  .description('The main job: synth, test and policy-check every stack for every environment, then print a summary table.')
  .option('--json', 'print the summary as JSON instead of Markdown tables')
  .action(async (options: { json?: boolean }) => {
    const { runCheck } = await import('../src/report/check-command');
    process.exitCode = await runCheck({ workspaceRoot: findWorkspaceRoot(), json: options.json === true });
  });

program
  .command('test')
  .description('The whole test suite: lint, typecheck, unit, stack, policy and workspace tests, and synth of every stack.')
  .action(async () => {
    const { runTestSuite } = await import('../src/report/test-command');
    process.exitCode = await runTestSuite({ workspaceRoot: findWorkspaceRoot() });
  });

const engineCommand = (name: string, description: string) =>
  program
    .command(name)
    .description(description)
    .argument('<stack>', 'stack name')
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)');

program
  .command('validate')
  .description('Validate a synthesized stack with the engine in every environment (init -backend=false, validate -json).')
  .argument('<stack>', 'stack name')
  .action(async (stack: string) => {
    const { validateStack } = await import('../src/engine/engine-commands');
    const results = await validateStack({ workspaceRoot: findWorkspaceRoot(), stack, log: (line) => console.log(line) });
    if (results.some((r) => !r.valid)) process.exitCode = 1;
  });

engineCommand('plan', 'Plan a stack in one environment; saves the plan file and its JSON rendering.').action(
  async (stack: string, options: { env: string }) => {
    const { planStack } = await import('../src/engine/engine-commands');
    await planStack({ workspaceRoot: findWorkspaceRoot(), stack, environment: options.env, log: (line) => console.log(line) });
  },
);

engineCommand('apply', 'Plan and apply a stack in one environment (the saved plan is what is applied).').action(
  async (stack: string, options: { env: string }) => {
    const { applyStack } = await import('../src/engine/engine-commands');
    await applyStack({ workspaceRoot: findWorkspaceRoot(), stack, environment: options.env, log: (line) => console.log(line) });
  },
);

engineCommand('destroy', 'Destroy a stack in one environment; staging and production need --break-glass.')
  .option('--break-glass', 'allow destroying a staging or production environment (recorded in the output)')
  .action(async (stack: string, options: { env: string; breakGlass?: boolean }) => {
    const { destroyStack } = await import('../src/engine/engine-commands');
    await destroyStack({
      workspaceRoot: findWorkspaceRoot(),
      stack,
      environment: options.env,
      breakGlass: options.breakGlass === true,
      log: (line) => console.log(line),
    });
  });

engineCommand('output', 'Print the outputs of a stack in one environment as JSON.').action(
  async (stack: string, options: { env: string }) => {
    const { outputStack } = await import('../src/engine/engine-commands');
    const outputs = await outputStack({ workspaceRoot: findWorkspaceRoot(), stack, environment: options.env, log: (line) => console.error(line) });
    console.log(JSON.stringify(outputs, null, 2));
  },
);

program
  .command('plan-env')
  .description('Plan every stack of an environment in dependency order, from zero if nothing was applied: never-applied upstreams are read from their plans.')
  .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)')
  .option('--json', 'print the report as JSON instead of Markdown')
  .action(async (options: { env: string; json?: boolean }) => {
    const { planEnvironment, renderEnvironmentPlan, writeEnvironmentPlan } = await import('../src/engine/plan-environment');
    const workspaceRoot = findWorkspaceRoot();
    const plan = await planEnvironment({ workspaceRoot, environment: options.env, log: (line) => console.error(line) });
    const files = writeEnvironmentPlan(workspaceRoot, plan);
    console.log(options.json ? JSON.stringify(plan, null, 2) : renderEnvironmentPlan(plan));
    console.error(`report: ${files.markdown}, ${files.json}`);
  });

program
  .command('affected')
  .description('Stacks affected between two commits: as nx affected sees them, and narrowed to those whose synthesized output (or engine) changes.')
  .requiredOption('--base <ref>', 'base commit (in CI: the merge base, e.g. origin/main)')
  .option('--head <ref>', 'head commit (must be checked out)', 'HEAD')
  .option('--json', 'print JSON instead of Markdown')
  .action(async (options: { base: string; head: string; json?: boolean }) => {
    const { runSynth } = await import('../src/synth/synth-command');
    const { computeAffected } = await import('../src/affected/effective-affected');
    const { markdownTable } = await import('../src/report/markdown');
    const workspaceRoot = findWorkspaceRoot();
    const outcomes = await runSynth({ workspaceRoot, stacks: [], log: (line) => console.error(line) });
    if (outcomes.some((o) => !o.ok)) throw new Error('synth of the head failed: fix it before computing affected stacks');
    const report = computeAffected(workspaceRoot, options.base, options.head);
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`nx affected stacks: ${report.plain.join(', ') || 'none'}
`);
    console.log(
      markdownTable(
        ['Stack', 'Why', 'Environments'],
        report.effective.map((a) => [a.stack, a.reason, a.environments.join(', ')]),
      ),
    );
  });

program
  .command('blast-radius')
  .description('Report what base..head changes, offline: stacks per environment, resources and attributes, consumers, apply order, a Mermaid graph.')
  .requiredOption('--base <ref>', 'base commit (in CI: the merge base, e.g. origin/main)')
  .option('--head <ref>', 'head commit (must be checked out)', 'HEAD')
  .option('--json', 'print JSON instead of Markdown')
  .action(async (options: { base: string; head: string; json?: boolean }) => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runSynth } = await import('../src/synth/synth-command');
    const { blastRadius, renderBlastRadius } = await import('../src/affected/blast-radius');
    const { readStackGraph } = await import('../src/graph/stack-order');
    const workspaceRoot = findWorkspaceRoot();
    const outcomes = await runSynth({ workspaceRoot, stacks: [], log: (line) => console.error(line) });
    if (outcomes.some((o) => !o.ok)) throw new Error('synth of the head failed: fix it before computing the blast radius');
    const report = blastRadius(workspaceRoot, options.base, options.head);
    const markdown = renderBlastRadius(report, readStackGraph(workspaceRoot));
    const dir = join(workspaceRoot, 'dist/reports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'blast-radius.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'blast-radius.md'), markdown);
    console.log(options.json ? JSON.stringify(report, null, 2) : markdown);
    console.error('report: dist/reports/blast-radius.md, dist/reports/blast-radius.json');
  });

program
  .command('drift')
  .description('Check an environment for drift: refresh-only plans of every stack (or the named ones), never applied. Exit 0 in sync, 2 drift found, 1 a stack could not be checked.')
  .argument('[stacks...]', 'only these stacks (default: every stack)')
  .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)')
  .option('--store <spec>', 'where reports are kept, for drift age: s3://bucket/prefix or a local directory (default: $PLATFORM_STORE or dist/store)')
  .option('--concurrency <n>', 'stacks checked at once', '4')
  .option('--json', 'print the report as JSON instead of Markdown')
  .action(async (stacks: string[], options: { env: string; store?: string; concurrency: string; json?: boolean }) => {
    const { openConfiguredStore } = await import('@platform/store');
    const { checkEnvironmentDrift } = await import('../src/drift/drift-environment');
    const { DRIFT_EXIT_CODES, renderDriftReport, saveDriftReport, writeDriftReportFiles } = await import('../src/drift/drift-report');
    const concurrency = Number(options.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be a whole number of at least 1, got '${options.concurrency}'`);
    const workspaceRoot = findWorkspaceRoot();
    const store = openConfiguredStore(workspaceRoot, options.store);
    const report = await checkEnvironmentDrift({ workspaceRoot, environment: options.env, stacks, store, concurrency, log: (line) => console.error(line) });
    const markdown = renderDriftReport(report);
    const files = writeDriftReportFiles(workspaceRoot, report, markdown);
    await saveDriftReport(store, report, markdown);
    console.log(options.json ? JSON.stringify(report, null, 2) : markdown);
    console.error(`report: ${files.markdown}, ${files.json}; kept in ${store.location}`);
    process.exitCode = DRIFT_EXIT_CODES[report.outcome];
  });

program
  .command('package')
  .description('Package a synthesized stack version as an immutable artifact in dist/artifacts/<stack>/<version>: every environment\'s JSON, the provider lock file and a manifest.')
  .argument('<stack>', 'stack name (synthesize it first)')
  .option('--version <version>', "release version (default: the stack's package.json version, which nx release writes)")
  .action(async (stack: string, options: { version?: string }) => {
    const { packageStack, releasedVersion, writePackagedArtifact } = await import('../src/artifact/package-stack');
    const workspaceRoot = findWorkspaceRoot();
    const version = options.version ?? releasedVersion(workspaceRoot, stack);
    const artifact = await packageStack(workspaceRoot, stack, version, (line) => console.error(line));
    const dir = writePackagedArtifact(workspaceRoot, artifact);
    console.log(`${stack}@${version}: packaged in ${dir} (${artifact.files.size} files, commit ${artifact.manifest.gitCommit.slice(0, 12)})`);
  });

program
  .command('publish')
  .description('Upload a packaged stack version to the artifact store (S3 or the local directory store); a published version never changes.')
  .argument('<stack>', 'stack name (package it first)')
  .option('--version <version>', "release version (default: the stack's package.json version)")
  .option('--store <spec>', 's3://bucket/prefix or a local directory (default: $PLATFORM_STORE or dist/store)')
  .action(async (stack: string, options: { version?: string; store?: string }) => {
    const { openConfiguredStore, publishArtifact } = await import('@platform/store');
    const { readPackagedArtifact, releasedVersion } = await import('../src/artifact/package-stack');
    const workspaceRoot = findWorkspaceRoot();
    const version = options.version ?? releasedVersion(workspaceRoot, stack);
    const store = openConfiguredStore(workspaceRoot, options.store);
    const result = await publishArtifact(store, readPackagedArtifact(workspaceRoot, stack, version));
    console.log(`${stack}@${version}: ${result.status} in ${store.location} (manifest sha256 ${result.manifestSha256})`);
  });

program
  .command('promote')
  .description("Deploy a published artifact's bytes to an environment, after the environment before it (promotion.after); a rollback is a promotion of an earlier version.")
  .argument('<stack@version>', 'e.g. network@1.4.0')
  .requiredOption('--to <environment>', 'target environment')
  .option('--break-glass <reason>', 'skip the promotion gate; the reason is recorded')
  .option('--store <spec>', 's3://bucket/prefix or a local directory (default: $PLATFORM_STORE or dist/store)')
  .action(async (target: string, options: { to: string; breakGlass?: string; store?: string }) => {
    const { openConfiguredStore } = await import('@platform/store');
    const { promote } = await import('../src/promote/promote');
    const match = /^([a-z][a-z0-9-]+)@(.+)$/.exec(target);
    if (!match) throw new Error(`'${target}' must be <stack>@<version>, e.g. network@1.4.0`);
    const workspaceRoot = findWorkspaceRoot();
    const store = openConfiguredStore(workspaceRoot, options.store);
    await promote({
      workspaceRoot,
      store,
      stack: match[1]!,
      version: match[2]!,
      to: options.to,
      ...(options.breakGlass ? { breakGlass: { reason: options.breakGlass } } : {}),
      log: (line) => console.log(line),
    });
  });

program
  .command('status')
  .description('Which version of each stack every environment runs, how far it lags, and delivery metrics from the promotion records.')
  .option('--store <spec>', 's3://bucket/prefix or a local directory (default: $PLATFORM_STORE or dist/store)')
  .option('--json', 'print JSON instead of Markdown')
  .action(async (options: { store?: string; json?: boolean }) => {
    const { openConfiguredStore } = await import('@platform/store');
    const { deliveryStatus, renderStatus } = await import('../src/promote/status');
    const workspaceRoot = findWorkspaceRoot();
    const store = openConfiguredStore(workspaceRoot, options.store);
    const status = await deliveryStatus(workspaceRoot, store);
    console.log(options.json ? JSON.stringify(status, null, 2) : renderStatus(status));
  });

program
  .command('docs-graph')
  .description('Regenerate the stack graph diagram in docs/architecture.md from the Nx project graph.')
  .option('--check', 'fail if the diagram in the docs differs from the graph instead of writing it')
  .action(async (options: { check?: boolean }) => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { readNxGraph, replaceGeneratedGraph, stackGraphMermaid } = await import('../src/docs/stack-graph');
    const workspaceRoot = findWorkspaceRoot();
    const file = 'docs/architecture.md';
    const current = readFileSync(join(workspaceRoot, file), 'utf8');
    const updated = replaceGeneratedGraph(current, stackGraphMermaid(readNxGraph(workspaceRoot)), file);
    if (options.check) {
      if (updated !== current) {
        console.error(`${file}: the stack graph is stale; run: npx tsx tools/cli/bin/platform.mts docs-graph`);
        process.exitCode = 1;
      }
      return;
    }
    writeFileSync(join(workspaceRoot, file), updated);
    console.log(`${file}: stack graph ${updated === current ? 'already up to date' : 'updated'}`);
  });

registerStateCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
