import { cloudArmorOnExternalBackends } from './rules/cloud-armor-on-external-backends';
import { cmekRequired } from './rules/cmek-required';
import { deletionProtection } from './rules/deletion-protection';
import { labelsRequired } from './rules/labels-required';
import { noOpenAdminIngress } from './rules/no-open-admin-ingress';
import { noPrimitiveRoles } from './rules/no-primitive-roles';
import { noPublicBuckets } from './rules/no-public-buckets';
import { noPublicIam } from './rules/no-public-iam';
import { noSecretValues } from './rules/no-secret-values';
import { privateNodes } from './rules/private-nodes';
import type { PolicyRule } from './types';

/** The platform's guardrail policy pack: every rule a stack must pass to build. */
export const guardrails: readonly PolicyRule[] = Object.freeze([
  cmekRequired,
  noPublicBuckets,
  noPublicIam,
  noPrimitiveRoles,
  noOpenAdminIngress,
  privateNodes,
  deletionProtection,
  labelsRequired,
  noSecretValues,
  cloudArmorOnExternalBackends,
]);
