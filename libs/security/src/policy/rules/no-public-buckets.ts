import { isReference, isTrue, show } from '../config';
import type { Finding, PolicyRule } from '../types';

export const noPublicBuckets: PolicyRule = {
  id: 'no-public-buckets',
  description: 'Buckets use uniform bucket-level access and enforce public access prevention.',
  check(resource) {
    if (resource.type !== 'google_storage_bucket') return [];
    const findings: Finding[] = [];
    const uniform = resource.config.uniform_bucket_level_access;
    if (!isReference(uniform) && !isTrue(uniform)) {
      findings.push({
        message: `uniform_bucket_level_access is ${show(uniform)}: object ACLs can grant access outside IAM`,
        fix: 'set uniformBucketLevelAccess: true in the StorageBucket props',
      });
    }
    const prevention = resource.config.public_access_prevention;
    if (!isReference(prevention) && prevention !== 'enforced') {
      findings.push({
        message: `public_access_prevention is ${show(prevention)}: the bucket can be made public`,
        fix: "set publicAccessPrevention: 'enforced' in the StorageBucket props",
      });
    }
    return findings;
  },
};
