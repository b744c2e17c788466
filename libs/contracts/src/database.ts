import { defineContract, output } from './contract';

export const databaseContract = defineContract({
  stack: 'database',
  version: 1,
  outputs: {
    instanceName: output.string('Cloud SQL instance name (in a drill, with the run suffix).'),
    connectionName: output.string('Instance connection name, project:region:instance, for the Cloud SQL connectors.'),
    privateIpAddress: output.string('Private IP address of the instance on the shared VPC.'),
    databaseNames: output.stringList('Databases created on the instance.'),
    iamUsers: output.stringMap('Database user name by workload, for IAM database authentication.'),
  },
});
