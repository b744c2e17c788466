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
  return environment;
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
