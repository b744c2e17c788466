import { DataResource, TerraformOutput } from 'cdktf';
import { defineStack } from '@platform/core';
import { z } from 'zod';
import { fixtureAppContract } from '../../../src/contracts';
import { LocalFile, useLocalProvider } from '../../../src/offline-providers';

export default defineStack({
  name: 'fixture-edge',
  description: 'Reads the application through remote state and writes the page it serves.',
  cloud: 'none',
  settings: z.strictObject({ greeting: z.string().min(1) }),
  build(stack, settings) {
    const app = stack.upstream(fixtureAppContract, ['appName']);
    const edge = new DataResource(stack, 'edge', {});
    edge.addOverride('input', `${settings.greeting}, ${app.appName}`);
    new TerraformOutput(stack, 'greeting', { value: edge.getStringAttribute('output') }).overrideLogicalId('greeting');
    // The page the edge serves: a real file outside the engine's state, so drift can be shown.
    useLocalProvider(stack);
    new LocalFile(stack, 'page', { filename: 'site/index.html', content: `<h1>${settings.greeting}, ${app.appName}</h1>\n` });
  },
});
