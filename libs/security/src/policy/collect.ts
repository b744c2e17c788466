import { DefaultTokenResolver, StringConcat, TerraformProvider, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { Config } from './config';
import type { ResourceUnderTest } from './types';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens the way synthesis does (what `cdktf synth` writes for this stack). */
function resolve<T>(stack: TerraformStack, value: T): T {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER }) as T;
}

function hasMember(object: object, name: string): boolean {
  for (let proto: object | null = object; proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyDescriptor(proto, name) !== undefined) return true;
  }
  return false;
}

/**
 * Which attribute holds GCP resource labels, read from the binding class: a `resetLabels` method
 * together with the provider's computed `terraformLabels` (the resources default_labels apply to;
 * this leaves out `labels` that are something else, such as a notification channel's settings), or
 * `resetResourceLabels` on google_container_cluster.
 */
function labelsAttributeOf(resource: TerraformResource): string | undefined {
  if (hasMember(resource, 'resetLabels') && hasMember(resource, 'terraformLabels')) return 'labels';
  if (resource.terraformResourceType === 'google_container_cluster' && hasMember(resource, 'resetResourceLabels')) {
    return 'resource_labels';
  }
  return undefined;
}

function providerOf(resource: TerraformResource, providers: readonly TerraformProvider[]): TerraformProvider | undefined {
  if (resource.provider !== undefined) return resource.provider;
  const name = resource.terraformGeneratorMetadata?.providerName;
  return providers.find((p) => p.terraformResourceType === name && p.alias === undefined);
}

function defaultLabelsOf(stack: TerraformStack, provider: TerraformProvider | undefined): Record<string, string> {
  if (provider === undefined) return {};
  const synthesized = resolve(stack, provider.toTerraform()) as { provider?: Record<string, Config[]> };
  const config = synthesized.provider?.[provider.terraformResourceType]?.[0];
  const labels = config?.default_labels;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
  );
}

/** Every resource in `stack` with its resolved config, as the policy rules see it. */
export function collectResources(stack: TerraformStack): ResourceUnderTest[] {
  const nodes = stack.node.findAll().filter((node) => TerraformStack.of(node) === stack);
  const providers = nodes.filter((node): node is TerraformProvider => TerraformProvider.isTerraformProvider(node));
  const labelsByProvider = new Map<TerraformProvider | undefined, Record<string, string>>();
  const resources: ResourceUnderTest[] = [];
  for (const node of nodes) {
    if (!TerraformResource.isTerraformResource(node)) continue;
    const resource = node as TerraformResource;
    const type = resource.terraformResourceType;
    const name = resource.friendlyUniqueId;
    const synthesized = resolve(stack, resource.toTerraform()) as { resource?: Record<string, Record<string, Config>> };
    const inner = synthesized.resource?.[type]?.[name];
    if (inner === undefined) continue; // moved away: no resource block
    const { '//': _metadata, ...config } = inner;
    const provider = providerOf(resource, providers);
    if (!labelsByProvider.has(provider)) labelsByProvider.set(provider, defaultLabelsOf(stack, provider));
    const labelsAttribute = labelsAttributeOf(resource);
    resources.push({
      type,
      name,
      address: `${type}.${name}`,
      path: resource.node.path,
      config,
      supportsLabels: labelsAttribute !== undefined,
      labelsAttribute,
      providerDefaultLabels: { ...labelsByProvider.get(provider) },
    });
  }
  return resources;
}
