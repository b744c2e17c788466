import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EngineRunner,
  loopbackTls,
  prepareWorkdir,
  probeRegistry,
  providerInMirror,
  providerMirrorDir,
  readPinnedVersions,
  REGISTRY_PROBE_URL,
  setupEngine,
  startProviderNetworkMirror,
  writeCliConfig,
} from '@platform/engine';
import { listEnvironments } from '@platform/config';
import { openStackEngine, planEnvironment } from '@platform/deploy';
import { runSynth } from '@platform/synth';
import { dependencyLayers, markdownTable, readStackGraph } from '@platform/workspace';
import { withFixtureStateServer } from '@platform/fixture-estate';
import { seconds } from './timing';

export interface EngineBenchOptions {
  readonly workspaceRoot: string;
  /** Also build everything into an empty cache (minutes: OpenTofu alone takes about 8). */
  readonly cold: boolean;
  readonly log: (line: string) => void;
}

/**
 * The engine set-up per path (PATH, warm mirror, cold source build on request), provider
 * installation from the filesystem mirror and from an HTTPS network mirror, offline plan-env
 * per environment, and per-stack init, validate and plan times of the fixture estate against
 * a local S3 server.
 */
export async function runEngineBenchmark(options: EngineBenchOptions): Promise<void> {
  const { workspaceRoot, log } = options;
  const offline = ['hashicorp/local', 'hashicorp/random', 'hashicorp/time'];
  log(markdownTable(['Setup path', 'Seconds'], await setupPaths(workspaceRoot, offline, options.cold)));
  if (!options.cold) log('(cold source build: npm run bench -- --only engine --cold builds into an empty cache; about 12 minutes here)');
  log('');
  log(markdownTable(['Provider install at tofu init (fixture-base: random, time)', 'Seconds'], await providerInstallPaths(workspaceRoot)));
  log('');
  log(markdownTable(['Offline plan-env from zero', 'Stacks', 'Seconds'], await offlinePlans(workspaceRoot)));

  const estate = join(workspaceRoot, 'tools/fixture-estate');
  await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
  await withFixtureStateServer(workspaceRoot, async () => {
    const rows: string[][] = [];
    for (const stack of dependencyLayers(readStackGraph(estate)).flat()) {
      let runner!: Awaited<ReturnType<typeof openStackEngine>>['runner'];
      const init = await seconds(async () => {
        runner = (await openStackEngine({ workspaceRoot: estate, stack, environment: 'local', backend: false, log: () => {} })).runner;
      });
      const validate = await seconds(() => runner.validate());
      rows.push([stack, init.toFixed(2), validate.toFixed(2)]);
    }
    let plan!: Awaited<ReturnType<typeof planEnvironment>>;
    const whole = await seconds(async () => {
      plan = await planEnvironment({ workspaceRoot: estate, environment: 'local', log: () => {} });
    });
    for (const row of rows) row.push(plan.stacks.find((s) => s.stack === row[0])!.seconds.toFixed(2));
    log('');
    log('Fixture estate, environment local (S3 backend on the local server), seconds:');
    log(markdownTable(['Stack', 'init (no backend)', 'validate', 'init + plan from zero (S3 backend)'], rows));
    log(`whole-environment plan from zero: ${whole.toFixed(2)} s`);
  });
}

/** The engine set-up per path: OpenTofu from PATH, everything in the warm cache, and (on request) a cold source build. */
async function setupPaths(workspaceRoot: string, providers: readonly string[], cold: boolean): Promise<string[][]> {
  const rows: string[][] = [];
  if (cold) {
    const cache = mkdtempSync(join(tmpdir(), 'cold-cache-'));
    try {
      const env = { ...process.env, PLATFORM_CACHE_DIR: cache };
      const time = await seconds(() => setupEngine({ workspaceRoot, log: () => {}, providers, providerSource: 'mirror', withS3Server: true, env }));
      rows.push(['cold source build (empty cache: OpenTofu, local, random, time, versitygw)', time.toFixed(1)]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  const warm = await setupEngine({ workspaceRoot, log: () => {}, providers, providerSource: 'mirror' });
  rows.push(['warm mirror (everything cached)', (await seconds(() => setupEngine({ workspaceRoot, log: () => {}, providers, providerSource: 'mirror' }))).toFixed(2)]);
  // tofu on PATH at the pinned version: what opentofu/setup-opentofu gives a CI runner.
  const bin = mkdtempSync(join(tmpdir(), 'tofu-on-path-'));
  try {
    symlinkSync(warm.engine.binary, join(bin, 'tofu'));
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const withPath = await seconds(() => setupEngine({ workspaceRoot, log: () => {}, providers, providerSource: 'registry', env }));
    rows.push(['OpenTofu on PATH, providers from the registry at init', withPath.toFixed(2)]);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
  const probe = await probeRegistry(REGISTRY_PROBE_URL);
  rows.push([`registry probe (${probe.reachable ? 'reachable' : `unreachable: ${probe.detail}`})`, (probe.milliseconds / 1000).toFixed(2)]);
  return rows;
}

/** `tofu init` of one stack with its providers from the filesystem mirror, and from an HTTPS network mirror into an empty plugin cache. */
async function providerInstallPaths(workspaceRoot: string): Promise<string[][]> {
  const providers = [
    { source: 'hashicorp/random', version: '3.6.0' },
    { source: 'hashicorp/time', version: '0.14.2' },
  ];
  const setup = await setupEngine({ workspaceRoot, log: () => {}, providers: providers.map((p) => p.source), providerSource: 'mirror' });
  const lockFile = readFileSync(join(workspaceRoot, 'tools/fixture-estate/stacks/fixture-base/.terraform.lock.hcl'), 'utf8');
  const configuration = JSON.stringify({
    terraform: { required_providers: Object.fromEntries(providers.map((p) => [p.source.split('/')[1]!, { source: p.source, version: p.version }])) },
  });
  const work = mkdtempSync(join(tmpdir(), 'provider-install-'));
  const tls = await loopbackTls();
  writeFileSync(join(work, 'ca.pem'), tls.caCert);
  const mirror = await startProviderNetworkMirror({ mirrorDir: providerMirrorDir(), providers, tls });
  try {
    const init = async (name: string, cliConfigFile: string, env: Record<string, string>) => {
      const dir = join(work, name);
      prepareWorkdir(dir, configuration, undefined, lockFile);
      return seconds(() => new EngineRunner({ engine: setup.engine, cliConfigFile, env }, dir).init({ backend: false, lockfileReadonly: true }));
    };
    const fromMirror = await init('filesystem', setup.cliConfigFile, {});
    const cache = join(work, 'cache');
    const networkConfig = writeCliConfig({ source: 'registry', reason: 'bench', networkMirror: mirror.url }, { PLATFORM_CACHE_DIR: cache });
    const fromNetwork = await init('network', networkConfig, { SSL_CERT_FILE: join(work, 'ca.pem'), TF_PLUGIN_CACHE_DIR: join(cache, 'plugin-cache') });
    const fromPluginCache = await init('plugin-cache', networkConfig, { SSL_CERT_FILE: join(work, 'ca.pem'), TF_PLUGIN_CACHE_DIR: join(cache, 'plugin-cache') });
    return [
      ['source-built filesystem mirror', fromMirror.toFixed(2)],
      ['HTTPS network mirror on 127.0.0.1, empty plugin cache (the registry path)', fromNetwork.toFixed(2)],
      ['same, plugin cache warm', fromPluginCache.toFixed(2)],
    ];
  } finally {
    await mirror.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** plan-env --offline of every environment: the fixture estate's, and the GCP estate's where the google provider is in the mirror. */
async function offlinePlans(workspaceRoot: string): Promise<string[][]> {
  const rows: string[][] = [];
  const estate = join(workspaceRoot, 'tools/fixture-estate');
  await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
  for (const environment of ['fx-dev', 'fx-staging', 'fx-prod']) {
    let stacks = 0;
    const time = await seconds(async () => {
      stacks = (await planEnvironment({ workspaceRoot: estate, environment, offline: true, log: () => {} })).stacks.length;
    });
    rows.push([`fixture estate ${environment}`, String(stacks), time.toFixed(2)]);
  }
  if (!providerInMirror(readPinnedVersions(workspaceRoot), 'hashicorp/google')) {
    rows.push(['GCP estate', '-', 'not run: google provider not in the mirror']);
    return rows;
  }
  await runSynth({ workspaceRoot, stacks: [], log: () => {} });
  for (const environment of listEnvironments(workspaceRoot)) {
    let stacks = 0;
    const time = await seconds(async () => {
      stacks = (await planEnvironment({ workspaceRoot, environment, offline: true, log: () => {} })).stacks.length;
    });
    rows.push([`GCP estate ${environment}`, String(stacks), time.toFixed(2)]);
  }
  return rows;
}
