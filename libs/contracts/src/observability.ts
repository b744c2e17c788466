import { defineContract, output } from './contract';

export const observabilityContract = defineContract({
  stack: 'observability',
  version: 1,
  outputs: {
    bucketName: output.string('Name of the observability bucket (CMEK-encrypted, versioned, private).'),
  },
});
