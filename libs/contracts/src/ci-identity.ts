import { defineContract, output } from './contract';

export const ciIdentityContract = defineContract({
  stack: 'ci-identity',
  version: 1,
  outputs: {
    bucketName: output.string('Name of the ci-identity bucket (CMEK-encrypted, versioned, private).'),
  },
});
