import { DataResource } from 'cdktf';
import { defineStack } from '@platform/core';
import { z } from 'zod';
import { fixtureBaseContract } from '../../../src/contracts';
import { RandomId, TimeSleep, TimeStatic, useOfflineProviders } from '../../../src/offline-providers';

export default defineStack({
  name: 'fixture-base',
  description: 'Root of the fixture estate: a random suffix and a creation time.',
  cloud: 'none',
  settings: z.strictObject({
    suffixBytes: z.number().int().min(2).max(16),
    /** Seconds the first apply waits, so tests can see a second apply refused by the state lock. */
    applySeconds: z.number().int().min(0).max(60).default(0),
    /** Changing it takes a new creation time (createdAt) and leaves the suffix: a change only some consumers read. */
    createdFor: z.string().min(1).optional(),
  }),
  build(stack, settings) {
    useOfflineProviders(stack);
    const suffix = new RandomId(stack, 'suffix', { byteLength: settings.suffixBytes });
    const created = new TimeStatic(stack, 'created', settings.createdFor ? { triggers: { for: settings.createdFor } } : {});
    if (settings.applySeconds > 0) new TimeSleep(stack, 'hold', { createDuration: `${settings.applySeconds}s` });
    new DataResource(stack, 'marker', { input: { suffix: suffix.hex, environment: stack.environment.name } });
    stack.publish(fixtureBaseContract, { suffix: suffix.hex, createdAt: created.rfc3339 });
  },
});
