import { TerraformProvider, TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';

/*
 * Minimal bindings for the offline providers of the fixture estate, pinned to the versions
 * the engine setup builds into the provider mirror (tools/engine/versions.json). The
 * prebuilt @cdktf/provider-random and -time packages pin other provider versions.
 */

class PinnedProvider extends TerraformProvider {
  constructor(scope: Construct, type: 'random' | 'time' | 'local', version: string) {
    super(scope, type, {
      terraformResourceType: type,
      terraformGeneratorMetadata: { providerName: type, providerVersionConstraint: version },
      terraformProviderSource: `hashicorp/${type}`,
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}

export const RANDOM_VERSION = '3.6.0';
export const TIME_VERSION = '0.14.2';
export const LOCAL_VERSION = '1.4.0';

export function useOfflineProviders(scope: Construct): void {
  new PinnedProvider(scope, 'random', RANDOM_VERSION);
  new PinnedProvider(scope, 'time', TIME_VERSION);
}

/** The `local` provider: files on the machine that runs the engine, which tests can change behind its back. */
export function useLocalProvider(scope: Construct): void {
  new PinnedProvider(scope, 'local', LOCAL_VERSION);
}

/** `random_id`: random bytes, kept in state until its keepers change. */
export class RandomId extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: { readonly byteLength: number; readonly keepers?: Record<string, string> },
  ) {
    super(scope, id, { terraformResourceType: 'random_id', terraformGeneratorMetadata: { providerName: 'random' } });
  }

  get hex(): string {
    return this.getStringAttribute('hex');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { byte_length: this.props.byteLength, ...(this.props.keepers ? { keepers: this.props.keepers } : {}) };
  }
}

/** `random_pet`: a readable random name. */
export class RandomPet extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: { readonly prefix?: string; readonly length?: number },
  ) {
    super(scope, id, { terraformResourceType: 'random_pet', terraformGeneratorMetadata: { providerName: 'random' } });
  }

  get name(): string {
    return this.getStringAttribute('id');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { prefix: this.props.prefix, length: this.props.length };
  }
}

/** `time_static`: the time of creation, fixed in state. */
export class TimeStatic extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: { readonly triggers?: Readonly<Record<string, string>> } = {},
  ) {
    super(scope, id, { terraformResourceType: 'time_static', terraformGeneratorMetadata: { providerName: 'time' } });
  }

  get rfc3339(): string {
    return this.getStringAttribute('rfc3339');
  }

  /** A change of `triggers` replaces the resource: a new time. */
  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.props.triggers ? { triggers: this.props.triggers } : {};
  }
}

/** `time_sleep`: waits on create, so an apply holds the state lock for a while. */
export class TimeSleep extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: { readonly createDuration: string },
  ) {
    super(scope, id, { terraformResourceType: 'time_sleep', terraformGeneratorMetadata: { providerName: 'time' } });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { create_duration: this.props.createDuration };
  }
}

/**
 * `local_file`: a file the engine writes and reads back on refresh. A relative filename is
 * relative to the engine's working directory, so the synthesized JSON names no machine path.
 */
export class LocalFile extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: { readonly filename: string; readonly content: string },
  ) {
    super(scope, id, { terraformResourceType: 'local_file', terraformGeneratorMetadata: { providerName: 'local' } });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { filename: this.props.filename, content: this.props.content, file_permission: '0644' };
  }
}
