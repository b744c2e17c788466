import { DataResource, TerraformOutput } from 'cdktf';
import { defineStack } from '@platform/core';
import { z } from 'zod';
import { fixtureAppContract } from '../../../src/contracts';

export default defineStack({
  name: 'fixture-edge',
  description: 'Reads the application through remote state.',
  cloud: 'none',
  settings: z.strictObject({ greeting: z.string().min(1) }),
  build(stack, settings) {
    const app = stack.upstream(fixtureAppContract, ['appName']);
    const edge = new DataResource(stack, 'edge', {});
    edge.addOverride('input', `${settings.greeting}, ${app.appName}`);
    new TerraformOutput(stack, 'greeting', { value: edge.getStringAttribute('output') }).overrideLogicalId('greeting');
  },
});
