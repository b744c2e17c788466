/** One resource that a change adds, removes or changes in a synthesized stack. */
export interface ResourceChange {
  /** Terraform address, e.g. `google_compute_firewall.firewall_deny-all_1A2B3C`. */
  readonly address: string;
  readonly action: 'add' | 'remove' | 'change';
  /** Dotted paths of the attributes that differ (for `change`). */
  readonly attributes: readonly string[];
}

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '//').map(([key, v]) => [key, withoutMetadata(v)]));
  }
  return value;
}

/** Dotted paths (lists indexed) where two values differ. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .sort()
      .flatMap((key) => changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], `${prefix}[${i}]`));
  }
  return [prefix || '(root)'];
}

function addresses(json: string | undefined, section: 'resource' | 'data'): Map<string, unknown> {
  const parsed = (json ? JSON.parse(json) : {}) as Record<string, Blocks | undefined>;
  const map = new Map<string, unknown>();
  for (const [type, byName] of Object.entries(parsed[section] ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      map.set(`${section === 'data' ? 'data.' : ''}${type}.${name}`, withoutMetadata(config));
    }
  }
  return map;
}

/** Resource-level differences between two synthesized configurations of one stack and environment. */
export function diffResources(before: string | undefined, after: string | undefined): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const section of ['resource', 'data'] as const) {
    const a = addresses(before, section);
    const b = addresses(after, section);
    for (const address of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (!a.has(address)) changes.push({ address, action: 'add', attributes: [] });
      else if (!b.has(address)) changes.push({ address, action: 'remove', attributes: [] });
      else {
        const attributes = changedPaths(a.get(address), b.get(address));
        if (attributes.length > 0) changes.push({ address, action: 'change', attributes });
      }
    }
  }
  return changes;
}
