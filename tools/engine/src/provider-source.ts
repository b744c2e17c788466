import { performance } from 'node:perf_hooks';
import { UsageError } from '@platform/workspace';

/**
 * Where `tofu init` installs providers from:
 * - `registry`: the origin registry (or the network mirror `PLATFORM_PROVIDER_NETWORK_MIRROR`
 *   names), as an ordinary user's `tofu init` does; nothing is built;
 * - `mirror`: the filesystem mirror in the platform cache, built from Go source where it is
 *   missing; for machines that cannot reach a registry.
 */
export type ProviderSource = 'registry' | 'mirror';
export const PROVIDER_SOURCE_CHOICES = ['auto', 'registry', 'mirror'] as const;
export type ProviderSourceRequest = (typeof PROVIDER_SOURCE_CHOICES)[number];

/** Forces the provider source for every command (setup, engine runs, tests): auto, registry or mirror. */
export const PROVIDER_SOURCE_VARIABLE = 'PLATFORM_PROVIDERS';
/** A provider network mirror (https URL) to install from instead of the origin registry. */
export const NETWORK_MIRROR_VARIABLE = 'PLATFORM_PROVIDER_NETWORK_MIRROR';
/** OpenTofu's service discovery document: it answers wherever the registry can be used. */
export const REGISTRY_PROBE_URL = 'https://registry.opentofu.org/.well-known/terraform.json';
export const PROBE_TIMEOUT_MS = 3_000;

export interface RegistryProbe {
  readonly url: string;
  readonly reachable: boolean;
  readonly milliseconds: number;
  /** The HTTP status, or the network error, in a few words. */
  readonly detail: string;
}

export interface ProviderSourceChoice {
  readonly source: ProviderSource;
  /** Why, in the user's terms: forced by an option or variable, or what the probe found. */
  readonly reason: string;
  /** The network mirror used in place of the origin registry (registry source only). */
  readonly networkMirror?: string;
  readonly probe?: RegistryProbe;
}

/** Asks a registry (or network mirror) URL for an answer within a short timeout; never throws. */
export async function probeRegistry(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<RegistryProbe> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    await response.body?.cancel();
    // A network mirror answers 404 for its root; any HTTP answer proves it can be reached.
    const reachable = response.ok || (url !== REGISTRY_PROBE_URL && response.status < 500);
    return { url, reachable, milliseconds: elapsed(), detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { url, reachable: false, milliseconds: elapsed(), detail };
  }
}

export function parseProviderSourceRequest(value: string, origin: string): ProviderSourceRequest {
  if ((PROVIDER_SOURCE_CHOICES as readonly string[]).includes(value)) return value as ProviderSourceRequest;
  throw new UsageError(`${origin} must be one of ${PROVIDER_SOURCE_CHOICES.join(', ')}, got '${value}'`);
}

function networkMirrorFrom(env: NodeJS.ProcessEnv): string | undefined {
  const url = env[NETWORK_MIRROR_VARIABLE]?.trim();
  if (!url) return undefined;
  if (!/^https:\/\/[^/]+\/(.*\/)?$/.test(url)) {
    throw new UsageError(`${NETWORK_MIRROR_VARIABLE} must be an https URL ending in '/' (OpenTofu's network mirror protocol), got '${url}'`);
  }
  return url;
}

const probes = new Map<string, Promise<RegistryProbe>>();

/**
 * Chooses the provider source: the request (option, else PLATFORM_PROVIDERS, else auto); auto
 * probes the registry or the configured network mirror once per process and uses it when it
 * answers, else falls back to the source-built mirror, saying why.
 */
export async function chooseProviderSource(
  options: { readonly request?: ProviderSourceRequest; readonly env?: NodeJS.ProcessEnv; readonly probe?: typeof probeRegistry } = {},
): Promise<ProviderSourceChoice> {
  const env = options.env ?? process.env;
  const fromEnv = env[PROVIDER_SOURCE_VARIABLE]?.trim();
  const request = options.request ?? (fromEnv ? parseProviderSourceRequest(fromEnv, PROVIDER_SOURCE_VARIABLE) : 'auto');
  const networkMirror = networkMirrorFrom(env);
  const mirrorPart = networkMirror ? { networkMirror } : {};
  if (request === 'mirror') return { source: 'mirror', reason: `forced (${options.request ? '--providers mirror' : `${PROVIDER_SOURCE_VARIABLE}=mirror`})` };
  if (request === 'registry') {
    return { source: 'registry', reason: `forced (${options.request ? '--providers registry' : `${PROVIDER_SOURCE_VARIABLE}=registry`})`, ...mirrorPart };
  }
  const url = networkMirror ?? REGISTRY_PROBE_URL;
  const probeFn = options.probe ?? probeRegistry;
  let pending = options.probe ? undefined : probes.get(url);
  if (!pending) {
    pending = probeFn(url);
    if (!options.probe) probes.set(url, pending);
  }
  const probe = await pending;
  const target = networkMirror ? `the network mirror ${networkMirror}` : 'registry.opentofu.org';
  return probe.reachable
    ? { source: 'registry', reason: `${target} answered in ${probe.milliseconds} ms (${probe.detail})`, probe, ...mirrorPart }
    : { source: 'mirror', reason: `${target} cannot be reached (${probe.detail} after ${probe.milliseconds} ms)`, probe };
}
