import { isValidLabelKey, isValidLabelValue, LABEL_KEY_RULE, LABEL_VALUE_RULE } from '../../labels';
import { isReference, propertyPath } from '../config';
import type { Finding, PolicyRule } from '../types';

export const labelsRequired: PolicyRule = {
  id: 'labels-required',
  description: 'Every resource that supports labels carries the required labels (provider default_labels count), with valid keys and values.',
  check(resource, context) {
    if (!resource.supportsLabels) return [];
    const attribute = resource.labelsAttribute ?? 'labels';
    const own = resource.config[attribute];
    // A whole-map reference (`${local.labels}`) is only known at plan time.
    if (isReference(own)) return [];
    const ownLabels = typeof own === 'object' && own !== null && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
    const merged: Record<string, unknown> = { ...resource.providerDefaultLabels, ...ownLabels };
    const findings: Finding[] = [];
    const missing = context.requiredLabels.filter((key) => !(key in merged));
    if (missing.length > 0) {
      const seen = Object.keys(merged).sort();
      // cdktf snake_cases the keys of the provider's default_labels map: 'cost-center' is synthesized as 'cost_center'.
      const mangled = missing.filter((key) => key.includes('-') && key.replace(/-/g, '_') in resource.providerDefaultLabels);
      findings.push({
        message: `missing required label${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (labels seen: ${seen.length > 0 ? seen.join(', ') : 'none'})`,
        fix:
          mangled.length > 0
            ? `cdktf rewrites '-' to '_' in the keys of the GoogleProvider's defaultLabels (${mangled.map((k) => `'${k}' became '${k.replace(/-/g, '_')}'`).join(', ')}): set them with provider.addOverride('default_labels', {...}), or add them to the resource's ${propertyPath(attribute)}`
            : `add ${missing.join(', ')} to the resource's ${propertyPath(attribute)}, or to the GoogleProvider's defaultLabels (set from the environment config)`,
      });
    }
    for (const key of Object.keys(merged).sort()) {
      const value = merged[key];
      if (!isReference(key) && !isValidLabelKey(key)) {
        findings.push({ message: `label key '${key}' is invalid: keys must ${LABEL_KEY_RULE}`, fix: `rename label '${key}' (e.g. '${key.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63)}')` });
      }
      if (typeof value === 'string' && !isReference(value) && !isValidLabelValue(value)) {
        findings.push({ message: `label ${key} value '${value}' is invalid: values must ${LABEL_VALUE_RULE}`, fix: `change the value of label ${key} (e.g. '${value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63)}')` });
      }
    }
    return findings;
  },
};
