/** One attribute that differs between the state and the real object. */
export interface AttributeDrift {
  /** Attribute path, e.g. `content` or `labels.owner` or `rule[0].port`. */
  readonly path: string;
  /** In state (what the engine last wrote). `(sensitive)` when the value is sensitive. */
  readonly before: unknown;
  /** In the real world, as the refresh read it. */
  readonly after: unknown;
}

export interface ResourceDrift {
  readonly address: string;
  /** `deleted`: the object is gone (or the provider no longer recognises it); `changed`: attributes differ. */
  readonly kind: 'deleted' | 'changed';
  readonly attributes: readonly AttributeDrift[];
}

/** The parts of the engine's JSON plan (`show -json`) a refresh-only plan fills. */
export interface RefreshPlanJson {
  readonly resource_drift?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: unknown;
      readonly after?: unknown;
      readonly before_sensitive?: unknown;
      readonly after_sensitive?: unknown;
    };
  }[];
}

const SENSITIVE = '(sensitive)';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isObject(mask) && typeof key === 'string') return mask[key];
  return undefined;
}

function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Leaf-level differences between two attribute trees, with sensitive values masked. */
export function attributeDifferences(
  before: unknown,
  after: unknown,
  beforeSensitive: unknown = undefined,
  afterSensitive: unknown = undefined,
  path = '',
): AttributeDrift[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) =>
      attributeDifferences(before[key], after[key], child(beforeSensitive, key), child(afterSensitive, key), joinPath(path, key)),
    );
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) =>
      attributeDifferences(item, after[index], child(beforeSensitive, index), child(afterSensitive, index), joinPath(path, index)),
    );
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [
    {
      path: path || '(whole object)',
      before: beforeSensitive === true ? SENSITIVE : (before ?? null),
      after: afterSensitive === true ? SENSITIVE : (after ?? null),
    },
  ];
}

/**
 * The managed resources whose real object no longer matches the state, from the engine's
 * JSON rendering of a refresh-only plan (`resource_drift`). Data sources are not drift.
 */
export function resourceDrift(plan: RefreshPlanJson): ResourceDrift[] {
  return (plan.resource_drift ?? [])
    .filter((entry) => (entry.mode ?? 'managed') === 'managed')
    .map((entry): ResourceDrift => {
      const { actions, before, after, before_sensitive, after_sensitive } = entry.change;
      if (actions.includes('delete') && (after === null || after === undefined)) {
        return { address: entry.address, kind: 'deleted', attributes: [] };
      }
      return { address: entry.address, kind: 'changed', attributes: attributeDifferences(before, after, before_sensitive, after_sensitive) };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
}
