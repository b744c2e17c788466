import { defineContract, output } from './contract';

export const bootstrapContract = defineContract({
  stack: 'bootstrap',
  version: 1,
  outputs: {
    stateBucket: output.string('Name of the bucket holding every stack state of the environment.'),
    stateKeyId: output.string('KMS key encrypting the state bucket.'),
  },
});
