import { at, isFalse, isReference, isTrue, resourceClass, show } from '../config';
import type { Finding, PolicyContext, PolicyRule, ResourceUnderTest } from '../types';

function productionFindings({ type, config }: ResourceUnderTest): Finding[] {
  const findings: Finding[] = [];
  switch (type) {
    case 'google_sql_database_instance': {
      if (isFalse(config.deletion_protection)) {
        findings.push({ message: 'deletion_protection is false: Terraform may destroy the production database', fix: 'remove deletionProtection: false from the SqlDatabaseInstance props (the provider default is true)' });
      }
      const api = at(config, 'settings', 'deletion_protection_enabled');
      if (!isReference(api) && !isTrue(api)) {
        findings.push({ message: `settings.deletion_protection_enabled is ${show(api)}: the production database can be deleted outside Terraform`, fix: 'set settings.deletionProtectionEnabled: true in the SqlDatabaseInstance props' });
      }
      break;
    }
    case 'google_container_cluster':
      if (isFalse(config.deletion_protection)) {
        findings.push({ message: 'deletion_protection is false: Terraform may destroy the production cluster', fix: 'remove deletionProtection: false from the ContainerCluster props (the provider default is true)' });
      }
      break;
    case 'google_bigquery_dataset':
      if (isTrue(config.delete_contents_on_destroy)) {
        findings.push({ message: 'delete_contents_on_destroy is true: destroying the dataset deletes its production tables', fix: 'remove deleteContentsOnDestroy from the BigqueryDataset props (default false)' });
      }
      break;
    case 'google_spanner_database':
    case 'google_alloydb_cluster':
      if (isFalse(config.deletion_protection)) {
        findings.push({ message: 'deletion_protection is false: Terraform may destroy the production database', fix: `remove deletionProtection: false from the ${resourceClass(type)} props, or set it to true` });
      }
      if (type === 'google_alloydb_cluster' && config.deletion_policy === 'FORCE') {
        findings.push({ message: 'deletion_policy is "FORCE": destroying the cluster deletes its instances', fix: "remove deletionPolicy: 'FORCE' from the AlloydbCluster props (default 'DEFAULT')" });
      }
      break;
    default:
      break;
  }
  return findings;
}

export const deletionProtection: PolicyRule = {
  id: 'deletion-protection',
  description: 'Production data cannot be destroyed by a plan: deletion protection on databases and clusters, no force_destroy on buckets (staging too).',
  check(resource, context: PolicyContext) {
    const findings: Finding[] = [];
    if (
      resource.type === 'google_storage_bucket' &&
      (context.tier === 'staging' || context.tier === 'production') &&
      isTrue(resource.config.force_destroy)
    ) {
      findings.push({
        message: `force_destroy is true in ${context.tier} environment '${context.environment}': destroying the bucket deletes every object in it`,
        fix: 'remove forceDestroy from the StorageBucket props (default false); empty the bucket deliberately before deleting it',
      });
    }
    if (context.tier === 'production') findings.push(...productionFindings(resource));
    return findings;
  },
};
