/** Synthesized Terraform JSON of a stack, parsed, with helpers to find resources by type. */
export interface ParsedStack {
  /** The JSON text, as the cdktf matchers expect it. */
  readonly json: string;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown; description?: string }>;
  readonly variable: Record<string, Record<string, unknown>>;
  readonly provider: Record<string, Record<string, unknown>[]>;
  readonly terraform: Record<string, unknown>;
  /** Every resource of a type, by logical name. */
  resourcesOf(type: string): Record<string, Record<string, unknown>>;
  /** The only resource of a type; throws when there are none or several. */
  single(type: string): Record<string, unknown>;
  /** Number of resources, optionally of one type. */
  count(type?: string): number;
}

export function parseSynthesized(json: string): ParsedStack {
  const parsed = JSON.parse(json) as Partial<ParsedStack>;
  const resource = parsed.resource ?? {};
  const resourcesOf = (type: string) => resource[type] ?? {};
  return {
    json,
    resource,
    data: parsed.data ?? {},
    output: parsed.output ?? {},
    variable: parsed.variable ?? {},
    provider: parsed.provider ?? {},
    terraform: parsed.terraform ?? {},
    resourcesOf,
    single: (type) => {
      const all = Object.values(resourcesOf(type));
      if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
      return all[0]!;
    },
    count: (type) =>
      type === undefined
        ? Object.values(resource).reduce((n, byName) => n + Object.keys(byName).length, 0)
        : Object.keys(resource[type] ?? {}).length,
  };
}

/** Parses synthesized JSON by environment (as `synthesizeInEveryEnvironment` returns it). */
export function parseEach(jsonByEnvironment: ReadonlyMap<string, string>): ReadonlyMap<string, ParsedStack> {
  return new Map([...jsonByEnvironment].map(([environment, json]) => [environment, parseSynthesized(json)]));
}
