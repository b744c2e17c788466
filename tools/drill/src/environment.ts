import { loadAllEnvironments, loadEnvironment, type EnvironmentConfig } from '@platform/config';
import { UsageError } from '@platform/workspace';

/** Thrown before anything runs when the target is not a drill environment. */
export class DrillRefusedError extends UsageError {
  override readonly name = 'DrillRefusedError';
}

/** Refuses anything that is not a drill environment, whatever else the caller asked for. */
export function assertDrillEnvironment(estate: string, name: string): EnvironmentConfig {
  const environment = loadEnvironment(estate, name);
  if (environment.kind !== 'drill') {
    throw new DrillRefusedError(
      `refusing to drill in '${name}': it is a ${environment.tier} ${environment.kind} environment (environments/${name}/environment.yaml: kind is '${environment.kind}'). ` +
        "A drill rebuilds from zero and destroys everything it built; it only ever targets an environment of kind 'drill'.",
    );
  }
  const problems = isolationProblems(environment, loadAllEnvironments(estate));
  if (problems.length > 0) {
    throw new DrillRefusedError(
      `refusing to drill in '${name}': it could touch another environment's data, and a drill touches only its own. ${problems.join('; ')}. ` +
        'Give the drill environment a state location and a backup store of its own.',
    );
  }
  return environment;
}

/** A place in a bucket: where an environment's state or snapshots live. */
interface BucketLocation {
  readonly what: string;
  readonly file: string;
  readonly scheme: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The server, when it is fixed; undefined for the cloud's own endpoint or one known only at run time. */
  readonly endpoint?: string;
  readonly runtime: boolean;
}

function locationsOf(env: EnvironmentConfig): BucketLocation[] {
  const file = `environments/${env.name}/environment.yaml`;
  const endpoint = env.state.endpoint;
  const state: BucketLocation = {
    what: 'state',
    file,
    scheme: env.state.backend === 'gcs' ? 'gs' : 's3',
    bucket: env.state.bucket,
    prefix: env.state.prefix,
    runtime: endpoint === 'runtime',
    ...(endpoint && endpoint !== 'runtime' ? { endpoint } : {}),
  };
  const backups = env.state.backups ? /^(gs|s3):\/\/([^/]+)\/?(.*)$/.exec(env.state.backups) : null;
  return backups ? [state, { what: 'state.backups', file, scheme: backups[1]!, bucket: backups[2]!, prefix: backups[3]!, runtime: false }] : [state];
}

/** Whether two folders of a bucket hold each other: one prefix is the other or a folder of it. */
function nested(a: string, b: string): boolean {
  const parts = (p: string) => p.split('/').filter(Boolean);
  const [x, y] = [parts(a), parts(b)];
  const shorter = x.length <= y.length ? x : y;
  const longer = shorter === x ? y : x;
  return shorter.every((part, i) => longer[i] === part);
}

/**
 * Two locations may be the same objects: same kind of store, same bucket, nested prefixes, and no
 * proof that the servers differ. Cloud Storage bucket names are global (a Private Service Connect
 * endpoint reaches the same bucket), so only two fixed S3 endpoints that differ tell them apart.
 */
function overlap(a: BucketLocation, b: BucketLocation): boolean {
  if (a.scheme !== b.scheme || a.bucket !== b.bucket || !nested(a.prefix, b.prefix)) return false;
  const differentServers = a.scheme === 's3' && a.endpoint !== undefined && b.endpoint !== undefined && a.endpoint !== b.endpoint;
  return !differentServers;
}

/**
 * Where the drill environment's state or snapshots could be another environment's: each pair named
 * with both files and keys. The artifact store is shared on purpose (the drill reads the source's
 * promotions there and writes only drill reports).
 */
export function isolationProblems(drill: EnvironmentConfig, environments: readonly EnvironmentConfig[]): string[] {
  const own = locationsOf(drill);
  return environments
    .filter((env) => env.name !== drill.name)
    .flatMap((other) =>
      own.flatMap((mine) =>
        locationsOf(other)
          .filter((theirs) => overlap(mine, theirs))
          .map((theirs) => `its ${mine.what} (${mine.file}: ${mine.scheme}://${mine.bucket}/${mine.prefix}) overlaps the ${theirs.what} of '${other.name}' (${theirs.file}: ${theirs.scheme}://${theirs.bucket}/${theirs.prefix})`),
      ),
    );
}

/** The environment whose promoted versions a drill rebuilds when none is named: the production one. */
export function defaultDrillSource(estate: string): string {
  const production = loadAllEnvironments(estate).filter((env) => env.tier === 'production' && env.kind !== 'drill');
  if (production.length !== 1) {
    throw new UsageError(
      `cannot choose the source environment: ${production.length} production environments (${production.map((e) => e.name).join(', ') || 'none'}); pass --source`,
    );
  }
  return production[0]!.name;
}
