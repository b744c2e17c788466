/** One attribute a change sets to another value, as the report shows it. */
export interface AttributeChange {
  /** Dotted path, lists indexed: `autoscaling.max_node_count`, `allow[0].ports`. */
  readonly path: string;
  /** The value at the base, `null` when unset; `(sensitive)` when it must not be shown. */
  readonly before: unknown;
  /** The value at the head, `null` when unset; `(sensitive)` when it must not be shown. */
  readonly after: unknown;
}

/** One resource or data source that a change adds, removes or changes in a synthesized stack. */
export interface ResourceChange {
  /** Terraform address, e.g. `google_compute_firewall.firewall_deny-all_1A2B3C`; data sources start with `data.`. */
  readonly address: string;
  readonly action: 'add' | 'remove' | 'change';
  /** Dotted paths of the attributes that differ (for `change`). */
  readonly attributes: readonly string[];
  /** The same attributes with their old and new values, sensitive ones masked (for `change`). */
  readonly values: readonly AttributeChange[];
}

/** Whether the value at `path` of `address` is sensitive (from the engine's plan, where there is one). */
export type SensitivePaths = (address: string, path: readonly (string | number)[]) => boolean;

export const SENSITIVE = '(sensitive)';

/**
 * Attribute names whose values are secrets whatever the provider schema says, for reports made
 * without an engine plan (the synthesized JSON carries no sensitivity marks).
 */
const SECRET_NAME = /(^|_)(password|secret|secret_data|private_key|token|credentials|key_data|api_key)$/;

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '//').map(([key, v]) => [key, withoutMetadata(v)]));
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function joinPath(keys: readonly (string | number)[]): string {
  return keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), '');
}

/** The leaf values that differ, by path (lists indexed); a value whose shape changed is one leaf. */
function changedLeaves(before: unknown, after: unknown, prefix: readonly (string | number)[] = []): { keys: (string | number)[]; before: unknown; after: unknown }[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().flatMap((key) => changedLeaves(before[key], after[key], [...prefix, key]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedLeaves(item, after[i], [...prefix, i]));
  }
  return [{ keys: [...prefix], before, after }];
}

/** Dotted paths (lists indexed) where two values differ. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  return changedLeaves(before, after).map((leaf) => {
    const path = joinPath(leaf.keys);
    return prefix ? (path ? `${prefix}.${path}` : prefix) : path || '(root)';
  });
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

const noPlan: SensitivePaths = () => false;

/**
 * Resource-level differences between two synthesized configurations of one stack and
 * environment, with each changed attribute's old and new value; values the engine marks
 * sensitive, or whose name says they are secrets, are shown as `(sensitive)`.
 */
export function diffResources(before: string | undefined, after: string | undefined, sensitive: SensitivePaths = noPlan): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const section of ['resource', 'data'] as const) {
    const a = addresses(before, section);
    const b = addresses(after, section);
    for (const address of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (!a.has(address)) changes.push({ address, action: 'add', attributes: [], values: [] });
      else if (!b.has(address)) changes.push({ address, action: 'remove', attributes: [], values: [] });
      else {
        const leaves = changedLeaves(a.get(address), b.get(address));
        if (leaves.length === 0) continue;
        const values = leaves.map((leaf) => {
          const masked = sensitive(address, leaf.keys) || leaf.keys.some((key) => typeof key === 'string' && SECRET_NAME.test(key));
          return { path: joinPath(leaf.keys) || '(root)', before: masked ? SENSITIVE : (leaf.before ?? null), after: masked ? SENSITIVE : (leaf.after ?? null) };
        });
        changes.push({ address, action: 'change', attributes: values.map((v) => v.path), values });
      }
    }
  }
  return changes;
}

/** True for a data source (a read, which the engine neither creates nor destroys). */
export function isDataSource(change: Pick<ResourceChange, 'address'>): boolean {
  return change.address.startsWith('data.');
}

/**
 * Sensitivity marks of a plan rendering (`show -json`): an attribute is sensitive where
 * `before_sensitive` or `after_sensitive` of its address marks it (or a parent) `true`.
 */
export function sensitivePathsOfPlan(plan: { resource_changes?: readonly { address: string; change: { before_sensitive?: unknown; after_sensitive?: unknown } }[] } | undefined): SensitivePaths {
  const marks = new Map((plan?.resource_changes ?? []).map((rc) => [rc.address, [rc.change.before_sensitive, rc.change.after_sensitive]] as const));
  const marked = (mask: unknown, keys: readonly (string | number)[]): boolean => {
    if (mask === true) return true;
    const [key, ...rest] = keys;
    if (key === undefined || mask === null || typeof mask !== 'object') return false;
    return marked((mask as Record<string | number, unknown>)[key], rest);
  };
  return (address, keys) => (marks.get(address) ?? []).some((mask) => marked(mask, keys));
}
