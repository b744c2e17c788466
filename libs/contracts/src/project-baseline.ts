import { defineContract, output } from './contract';

export const projectBaselineContract = defineContract({
  stack: 'project-baseline',
  version: 1,
  outputs: {
    serviceAgents: output.stringMap(
      'Google service agent email by service key (storage, logging, container, artifactregistry, run, sqladmin, secretmanager); each agent exists once the stack is applied.',
    ),
    enabledServices: output.stringList('APIs the stack enables on the project (`<name>.googleapis.com`), sorted.'),
  },
});
