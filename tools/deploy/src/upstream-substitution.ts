/**
 * Rewrites a consumer's synthesized configuration so that it reads an upstream stack's
 * *planned* outputs instead of its (absent) state: the remote-state data source becomes a
 * local value. Values the upstream knows only after apply become references to a
 * `terraform_data` that is itself only planned, so the engine carries them as unknown
 * ("known after apply") instead of a made-up value.
 */

/** Address of the placeholder whose output is unknown until apply; never part of a report. */
export const UNKNOWN_PLACEHOLDER = 'terraform_data.from_zero_unknown';
const UNKNOWN_REFERENCE = `\${${UNKNOWN_PLACEHOLDER}.output}`;

/** An output change of the upstream's plan (`show -json`, `output_changes`). */
export interface PlannedOutput {
  readonly after?: unknown;
  /** true when wholly unknown; for collections, the same shape with true where unknown. */
  readonly after_unknown?: unknown;
  readonly after_sensitive?: unknown;
}

export type Knowledge = 'known' | 'known after apply' | 'partly known after apply';

/** A planned value with its unknown parts replaced by the placeholder reference. */
export function plannedValue(output: PlannedOutput): { value: unknown; knowledge: Knowledge } {
  let unknownParts = 0;
  let knownParts = 0;
  const merge = (after: unknown, unknown: unknown): unknown => {
    if (unknown === true) {
      unknownParts++;
      return UNKNOWN_REFERENCE;
    }
    if (Array.isArray(unknown)) {
      const list = Array.isArray(after) ? after : [];
      return unknown.map((u, i) => merge(list[i], u));
    }
    if (unknown && typeof unknown === 'object') {
      const map = after && typeof after === 'object' ? (after as Record<string, unknown>) : {};
      const keys = new Set([...Object.keys(map), ...Object.keys(unknown)]);
      return Object.fromEntries([...keys].map((key) => [key, merge(map[key], (unknown as Record<string, unknown>)[key])]));
    }
    knownParts++;
    return after;
  };
  const value = merge(output.after, output.after_unknown);
  const knowledge: Knowledge = unknownParts === 0 ? 'known' : knownParts === 0 ? 'known after apply' : 'partly known after apply';
  return { value, knowledge };
}

function localName(upstream: string): string {
  return `from_zero_${upstream.replace(/-/g, '_')}`;
}

interface TerraformJson {
  data?: { terraform_remote_state?: Record<string, unknown>; [type: string]: unknown };
  locals?: Record<string, unknown>;
  resource?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * Replaces the remote-state reads of the given upstream stacks by their planned outputs.
 * Returns the new configuration text and what each substituted output is known as.
 */
export function substituteUpstreams(
  synthesizedJson: string,
  planned: ReadonlyMap<string, Readonly<Record<string, PlannedOutput>>>,
): { json: string; substituted: Record<string, Record<string, Knowledge>> } {
  let text = synthesizedJson;
  const substituted: Record<string, Record<string, Knowledge>> = {};
  for (const upstream of planned.keys()) {
    // Every reference to the upstream's outputs, in any expression, now reads the local value.
    text = text.split(`data.terraform_remote_state.upstream-${upstream}.outputs`).join(`local.${localName(upstream)}`);
  }
  const config = JSON.parse(text) as TerraformJson;
  let needsPlaceholder = false;
  for (const [upstream, outputs] of planned) {
    const values: Record<string, unknown> = {};
    substituted[upstream] = {};
    for (const [name, output] of Object.entries(outputs)) {
      const { value, knowledge } = plannedValue(output);
      values[name] = value;
      substituted[upstream]![name] = knowledge;
      if (knowledge !== 'known') needsPlaceholder = true;
    }
    config.locals = { ...config.locals, [localName(upstream)]: values };
    delete config.data?.terraform_remote_state?.[`upstream-${upstream}`];
  }
  if (config.data?.terraform_remote_state && Object.keys(config.data.terraform_remote_state).length === 0) {
    delete config.data.terraform_remote_state;
  }
  if (config.data && Object.keys(config.data).length === 0) delete config.data;
  if (needsPlaceholder) {
    config.resource = {
      ...config.resource,
      terraform_data: { ...config.resource?.terraform_data, from_zero_unknown: { input: 'known after apply' } },
    };
  }
  return { json: `${JSON.stringify(config, null, 2)}\n`, substituted };
}
