import {
  getToHaveDataSourceWithProperties,
  getToHaveProviderWithProperties,
  getToHaveResourceWithProperties,
  type AssertionReturn,
} from 'cdktf/lib/testing/matchers';

/** A provider class (or its Terraform type name) to look for in synthesized JSON. */
export type ResourceType = string | { readonly tfResourceType: string };

function asType(type: ResourceType): { tfResourceType: string } {
  return typeof type === 'string' ? { tfResourceType: type } : { tfResourceType: type.tfResourceType };
}

function toVitest(result: AssertionReturn) {
  return { pass: result.pass, message: () => result.message };
}

/**
 * cdktf 0.21 ships its matchers only as a Jest adapter; these wrap the same
 * matcher functions for Vitest's `expect.extend`.
 */
export const cdktfMatchers = {
  toHaveResource(received: string, type: ResourceType) {
    return toVitest(getToHaveResourceWithProperties()(received, asType(type), {}));
  },
  toHaveResourceWithProperties(received: string, type: ResourceType, properties: Record<string, unknown>) {
    return toVitest(getToHaveResourceWithProperties()(received, asType(type), properties));
  },
  toHaveDataSource(received: string, type: ResourceType) {
    return toVitest(getToHaveDataSourceWithProperties()(received, asType(type), {}));
  },
  toHaveDataSourceWithProperties(received: string, type: ResourceType, properties: Record<string, unknown>) {
    return toVitest(getToHaveDataSourceWithProperties()(received, asType(type), properties));
  },
  toHaveProviderWithProperties(received: string, type: ResourceType, properties: Record<string, unknown>) {
    return toVitest(getToHaveProviderWithProperties()(received, asType(type), properties));
  },
};

interface CdktfMatchers<R = unknown> {
  toHaveResource(type: ResourceType): R;
  toHaveResourceWithProperties(type: ResourceType, properties: Record<string, unknown>): R;
  toHaveDataSource(type: ResourceType): R;
  toHaveDataSourceWithProperties(type: ResourceType, properties: Record<string, unknown>): R;
  toHaveProviderWithProperties(type: ResourceType, properties: Record<string, unknown>): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends CdktfMatchers<T> {}
}
