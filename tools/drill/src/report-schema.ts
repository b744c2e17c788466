import { z } from 'zod';
import { DRILL_PHASES, type DrillReport } from './report-model';
import { ExternalError } from '@platform/workspace';

/** Ids and environment names become object-store key segments: one plain segment each. */
const keySegment = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `must be ${what} (letters, digits, '.', '_' or '-', no '/')`);
const seconds = z.number().min(0, 'must be a number of seconds, not negative');
const isoTime = z.iso.datetime({ offset: true });
const phase = z.enum(DRILL_PHASES);
const stepOutcome = z.enum(['passed', 'failed', 'skipped']);

/** The engine's source position: OpenTofu writes line, column and byte for start and end. */
const position = z.strictObject({ line: z.number().int().min(0), column: z.number().int().min(0).optional(), byte: z.number().int().min(0).optional() });

const diagnosticSchema = z.strictObject({
  severity: z.enum(['error', 'warning']),
  summary: z.string(),
  detail: z.string(),
  address: z.string().optional(),
  range: z.strictObject({ filename: z.string(), start: position, end: position.optional() }).optional(),
});

const stepSchema = z.strictObject({
  phase,
  stack: z.string().min(1).optional(),
  name: z.string().min(1),
  startedAt: isoTime,
  seconds,
  engineSeconds: seconds,
  outcome: stepOutcome,
  error: z.string().optional(),
  diagnostics: z.array(diagnosticSchema).optional(),
});

export const drillReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: keySegment('a sortable id such as 20261122T051500Z-3f9a'),
  environment: keySegment('an environment name'),
  nameSuffix: z.string().regex(/^[0-9a-f]{6}$/, 'must be six hex digits').optional(),
  source: z.string().min(1),
  mode: z.enum(['full', 'plan-only', 'cleanup']),
  delivery: z.strictObject({ commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full git commit id'), install: z.string().min(1) }).optional(),
  startedAt: isoTime,
  finishedAt: isoTime,
  outcome: z.enum(['passed', 'failed', 'interrupted']),
  rtoSeconds: seconds.nullable(),
  wallSeconds: seconds,
  engineSeconds: seconds,
  stacks: z.array(z.strictObject({ stack: z.string().min(1), version: z.string().min(1), outcome: stepOutcome, verifiedAfterSeconds: seconds.optional() })),
  steps: z.array(stepSchema),
  failure: z
    .strictObject({ phase, stack: z.string().min(1).optional(), step: z.string().min(1), error: z.string(), diagnostics: z.array(diagnosticSchema).optional() })
    .optional(),
  cleanup: z.strictObject({
    ran: z.boolean(),
    leftInState: z.record(z.string(), z.array(z.string())),
    kept: z.boolean().optional(),
    stateKeptIn: z.strictObject({ location: z.string().min(1), command: z.string().min(1) }).optional(),
  }),
});

/** Reads a stored drill report; an error names where it came from, the key and the rule broken. */
export function parseDrillReport(text: string, where: string): DrillReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ExternalError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const result = drillReportSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    // A key the schema does not know is named itself, not its parent object.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const rule = issue.code === 'unrecognized_keys' ? 'is unknown (not part of the drill report format)' : issue.message;
    throw new ExternalError(`${where}: key '${path.join('.') || '(top level)'}' ${rule}`);
  }
  // Returning the parsed value as the model type is the check that schema and model agree.
  return result.data;
}
