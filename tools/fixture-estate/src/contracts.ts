import { defineContract, output } from '@platform/contracts';

export const fixtureBaseContract = defineContract({
  stack: 'fixture-base',
  version: 1,
  outputs: {
    suffix: output.string('Random hex suffix shared by the estate.'),
    createdAt: output.string('When the base was created (RFC 3339).'),
  },
});

export const fixtureAppContract = defineContract({
  stack: 'fixture-app',
  version: 1,
  outputs: {
    appName: output.string('Name of the application, derived from the base suffix.'),
  },
});
