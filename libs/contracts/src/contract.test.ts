import { describe, expect, it } from 'vitest';
import { bootstrapContract, defineContract, networkContract, output, outputName, securityContract } from './index';

describe('stack output contracts', () => {
  it.each([
    ['vpcId', 'vpc_id'],
    ['subnetSelfLinks', 'subnet_self_links'],
    ['stateBucket', 'state_bucket'],
  ])('names the Terraform output of %s as %s', (key, name) => {
    expect(outputName(key)).toBe(name);
  });

  it('refuses an output key that is not camelCase', () => {
    expect(() => defineContract({ stack: 'x', version: 1, outputs: { vpc_id: output.string('id') } })).toThrow(
      /contract 'x': output key 'vpc_id' must be camelCase/,
    );
  });

  it('names each contract after the stack that publishes it', () => {
    expect([bootstrapContract.stack, networkContract.stack, securityContract.stack]).toEqual(['bootstrap', 'network', 'security']);
  });

  it('documents every output', () => {
    for (const contract of [bootstrapContract, networkContract, securityContract]) {
      for (const [key, spec] of Object.entries(contract.outputs)) {
        expect(spec.description.length, `${contract.stack}.${key}`).toBeGreaterThan(10);
      }
    }
  });
});
