import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { zipSync } from 'fflate';
import { ExternalError } from '@platform/workspace';
import { providerBinaryPath, REGISTRY_HOSTS, targetPlatform } from '../providers';

/** A provider to serve: its binary in the unpacked filesystem mirror. */
export interface MirroredProvider {
  readonly source: string;
  readonly version: string;
}

export interface ProviderNetworkMirrorOptions {
  /** The unpacked filesystem mirror the binaries come from (`providerMirrorDir()`). */
  readonly mirrorDir: string;
  readonly providers: readonly MirroredProvider[];
  /** PEM key and certificate chain of the server, for 127.0.0.1. */
  readonly tls: { readonly key: string; readonly cert: string };
  /** Serve other bytes than the ones the index announces for these archive names (a tampered mirror). */
  readonly tamperWith?: (archive: string) => boolean;
  /**
   * Other platforms to announce, e.g. darwin_arm64, for tests of locking (`tofu providers lock
   * -platform=…` hashes archives, never runs them): their archives hold this platform's binary
   * under that platform's name. @default - this platform only
   */
  readonly extraPlatforms?: readonly string[];
}

export interface RunningProviderNetworkMirror {
  /** Base URL of the mirror, ending in '/', as `network_mirror { url }` takes it. */
  readonly url: string;
  /** The `zh:` hash (SHA-256 of the zip) of each archive it serves, by `<source> <version>` (and ` <platform>` for the extra platforms). */
  readonly zipHashes: ReadonlyMap<string, string>;
  /** Paths requested so far, in order. */
  readonly requests: readonly string[];
  stop(): Promise<void>;
}

interface Archive {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** A well-formed zip of a binary with one byte changed: what a compromised mirror would serve. */
  readonly tampered: () => Uint8Array;
  readonly zh: string;
}

function zipBinary(name: string, content: Uint8Array): Uint8Array {
  // Executable, as in a release zip: the engine keeps the mode when it unpacks.
  return zipSync({ [name]: [content, { attrs: 0o100755 << 16, os: 3, mtime: new Date('2020-01-01T00:00:00Z') }] });
}

function zipProvider(mirrorDir: string, provider: MirroredProvider, platform: string): Archive {
  const binary = providerBinaryPath(mirrorDir, REGISTRY_HOSTS[0], provider.source, provider.version);
  const type = provider.source.split('/')[1]!;
  // A stand-in for another platform differs in its name, so its zip (and zh: hash) differs too.
  const content = platform === targetPlatform() ? readFileSync(binary) : Buffer.concat([readFileSync(binary), Buffer.from(`\n${platform}\n`)]);
  const bytes = zipBinary(basename(binary), content);
  const tampered = () => {
    const changed = Uint8Array.from(content);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = changed[middle]! ^ 0xff;
    return zipBinary(basename(binary), changed);
  };
  return { name: `terraform-provider-${type}_${provider.version}_${platform}.zip`, bytes, tampered, zh: `zh:${createHash('sha256').update(bytes).digest('hex')}` };
}

/**
 * Serves providers from the source-built mirror through OpenTofu's provider network mirror
 * protocol (`<host>/<namespace>/<type>/index.json`, `<version>.json`, the archives), over
 * HTTPS on 127.0.0.1 only: what a registry or an organisation's mirror offers `tofu init`.
 */
export async function startProviderNetworkMirror(options: ProviderNetworkMirrorOptions): Promise<RunningProviderNetworkMirror> {
  const archives = new Map<string, Archive>();
  const byVersionFile = new Map<string, { version: string; archives: Map<string, Archive> }>();
  const versionsByType = new Map<string, string[]>();
  const zipHashes = new Map<string, string>();
  const platforms = [targetPlatform(), ...(options.extraPlatforms ?? []).filter((p) => p !== targetPlatform())];
  for (const provider of options.providers) {
    const perPlatform = new Map<string, Archive>();
    for (const platform of platforms) {
      const archive = zipProvider(options.mirrorDir, provider, platform);
      archives.set(archive.name, archive);
      perPlatform.set(platform, archive);
      zipHashes.set(platform === targetPlatform() ? `${provider.source} ${provider.version}` : `${provider.source} ${provider.version} ${platform}`, archive.zh);
    }
    for (const host of REGISTRY_HOSTS) {
      const dir = `/${host}/${provider.source}`;
      byVersionFile.set(`${dir}/${provider.version}.json`, { version: provider.version, archives: perPlatform });
      versionsByType.set(dir, [...(versionsByType.get(dir) ?? []), provider.version]);
    }
  }
  const requests: string[] = [];
  const send = (response: ServerResponse, status: number, body: string | Uint8Array, type: string) => {
    response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    requests.push(path);
    if (request.method !== 'GET') return send(response, 405, 'GET only\n', 'text/plain');
    const index = /^(.*)\/index\.json$/.exec(path);
    if (index && versionsByType.has(index[1]!)) {
      return send(response, 200, JSON.stringify({ versions: Object.fromEntries(versionsByType.get(index[1]!)!.map((v) => [v, {}])) }), 'application/json');
    }
    const version = byVersionFile.get(path);
    if (version) {
      const listed = Object.fromEntries([...version.archives].map(([platform, archive]) => [platform, { url: archive.name, hashes: [archive.zh] }]));
      return send(response, 200, JSON.stringify({ archives: listed }), 'application/json');
    }
    const archive = archives.get(basename(path));
    if (archive) {
      const bytes = options.tamperWith?.(archive.name) ? archive.tampered() : archive.bytes;
      return send(response, 200, bytes, 'application/zip');
    }
    send(response, 404, 'not found\n', 'text/plain');
  };
  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ExternalError(`the provider network mirror could not listen on 127.0.0.1: ${error.message}`, { cause: error })));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    zipHashes,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
