import { defineContract, output } from './contract';

export const appServiceContract = defineContract({
  stack: 'app-service',
  version: 1,
  outputs: {
    serviceName: output.string('Name of the Cloud Run service (what a serverless NEG and IAM on the service take).'),
    serviceUri: output.string('URI of the Cloud Run service (https://<name>-<hash>-<region>.a.run.app); reachable only from inside or through a load balancer.'),
    location: output.string('Region of the Cloud Run service and of its Artifact Registry repository.'),
    repositoryId: output.string('Id (short name) of the Artifact Registry repository holding the service images.'),
  },
});
