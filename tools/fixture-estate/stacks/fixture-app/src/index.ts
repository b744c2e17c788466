import { DataResource } from 'cdktf';
import { defineStack } from '@platform/core';
import { z } from 'zod';
import { fixtureAppContract, fixtureBaseContract } from '../../../src/contracts';
import { RandomPet, useOfflineProviders } from '../../../src/offline-providers';

export default defineStack({
  name: 'fixture-app',
  description: 'Reads the base through remote state and names an application.',
  cloud: 'none',
  settings: z.strictObject({ petLength: z.number().int().min(1).max(4) }),
  build(stack, settings) {
    useOfflineProviders(stack);
    const base = stack.upstream(fixtureBaseContract, ['suffix']);
    const pet = new RandomPet(stack, 'pet', { prefix: 'app', length: settings.petLength });
    const app = new DataResource(stack, 'app', {});
    // terraform_data takes any value; cdktf types `input` as a map only.
    app.addOverride('input', `${pet.name}-${base.suffix}`);
    stack.publish(fixtureAppContract, { appName: app.getStringAttribute('output') });
  },
});
