import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '@platform/workspace';

/** Where the pull request's plans are kept (and where the merge finds them again). */
export const REVIEWED_PLANS_DIR = 'dist/pipeline';
export const REVIEWED_PLANS_FILE = 'reviewed-plans.json';
export const PR_COMMENT_FILE = 'comment.md';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const commit = z.string().regex(/^[0-9a-f]{40}$/);

const resourceChangeSchema = z.strictObject({
  address: z.string().min(1),
  actions: z.array(z.string()).min(1),
  /** sha256 of the canonical planned values (after and after_unknown): two changes are equal when these are. */
  valuesSha256: sha256,
});

const reviewedPlanSchema = z.strictObject({
  stack: z.string().regex(/^[a-z][a-z0-9-]*$/),
  environment: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** apply: the head's configuration; destroy: the stack is deleted at the head. */
  operation: z.enum(['apply', 'destroy']),
  /** Planned from zero with no state and placeholder credentials: shows a first deployment, reviews no change. */
  offline: z.boolean(),
  configurationSha256: sha256,
  /** The state the plan was made against; null when there was none (or offline). */
  state: z.strictObject({ lineage: z.string().min(1), serial: z.number().int().min(0) }).nullable(),
  /** plans/<stack>/<env>/tfplan beside this file, and its sha256. */
  planFile: z.string().regex(/^plans\/[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*\/tfplan$/),
  planSha256: sha256,
  summary: z.strictObject({
    add: z.number().int().min(0),
    change: z.number().int().min(0),
    remove: z.number().int().min(0),
    replace: z.array(z.string()),
  }),
  resourceChanges: z.array(resourceChangeSchema),
  /** Outputs the plan changes (added, removed or another value, known or not). */
  outputChanges: z.array(z.string()),
});

const reviewSchema = z.strictObject({
  schemaVersion: z.literal(1),
  base: commit,
  head: commit,
  createdAt: z.iso.datetime({ offset: true }),
  /** In the order the merge runs them: applies in dependency order, then destroys in reverse. */
  plans: z.array(reviewedPlanSchema),
  /** Why the change cannot merge as it is (e.g. a deleted stack still read by another). */
  refusals: z.array(z.strictObject({ stack: z.string(), reason: z.string() })),
});

export type ResourceChangeDigest = z.output<typeof resourceChangeSchema>;
export type ReviewedPlan = z.output<typeof reviewedPlanSchema>;
export type Review = z.output<typeof reviewSchema>;

export function planFileOf(stack: string, environment: string): string {
  return `plans/${stack}/${environment}/tfplan`;
}

/**
 * Beside the destroy plan of a deleted stack: the configuration it was planned with (the
 * base's) and its lock file, which the merge needs to run the engine for a stack the head no
 * longer has.
 */
export function deletedConfigurationFileOf(plan: Pick<ReviewedPlan, 'planFile'>): string {
  return plan.planFile.replace(/tfplan$/, 'cdk.tf.json');
}
export function deletedLockFileOf(plan: Pick<ReviewedPlan, 'planFile'>): string {
  return plan.planFile.replace(/tfplan$/, '.terraform.lock.hcl');
}

/** Writes the review with its plan files already in `dir`; the file appears whole or not at all. */
export function writeReview(dir: string, review: Review): string {
  const file = join(dir, REVIEWED_PLANS_FILE);
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(reviewSchema.parse(review), null, 2)}\n`);
  renameSync(partial, file);
  return file;
}

/** Clears what an earlier review left in `dir`, so no plan of another change can be mistaken for this one's. */
export function clearReview(dir: string): void {
  rmSync(join(dir, REVIEWED_PLANS_FILE), { force: true });
  rmSync(join(dir, 'plans'), { recursive: true, force: true });
  rmSync(join(dir, PR_COMMENT_FILE), { force: true });
}

/**
 * Reads a review kept by the pull request (e.g. a downloaded workflow artifact): every key
 * checked, every plan file present; errors name the file and the key.
 */
export function readReview(dir: string): Review {
  const file = join(dir, REVIEWED_PLANS_FILE);
  if (!existsSync(file)) {
    throw new UsageError(`${file} does not exist: the pull request's plans are made by 'platform pipeline plan' (in CI, the pull-request workflow's artifact)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = reviewSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file}: key '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  for (const plan of parsed.data.plans) {
    const needed = [plan.planFile, ...(plan.operation === 'destroy' ? [deletedConfigurationFileOf(plan)] : [])];
    for (const path of needed) {
      if (!existsSync(join(dir, path))) throw new UsageError(`${file}: the ${plan.operation} plan of ${plan.stack} in ${plan.environment} needs ${path}, which is not in ${dirname(file)}`);
    }
  }
  return parsed.data;
}
