import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBlastRadius, type BlastRadius } from '@platform/change';
import { markdownTable, synthOutputDir } from '@platform/workspace';
import { outputsRead } from './plan-changes';
import type { Review, ReviewedPlan } from './reviewed-plans';

function plannedAgainst(plan: ReviewedPlan): string {
  if (plan.offline) return 'offline, from zero (no state read)';
  return plan.state ? `state serial ${plan.state.serial}` : 'no state (first deploy)';
}

/** One line per consumer of a planned stack: whether an output it reads changes, so it is planned again after the apply. */
function consumerLines(workspaceRoot: string, review: Review, graph: ReadonlyMap<string, readonly string[]>): string[] {
  const lines: string[] = [];
  for (const plan of review.plans.filter((p) => p.operation === 'apply')) {
    for (const consumer of [...graph].filter(([, upstream]) => upstream.includes(plan.stack)).map(([name]) => name)) {
      const file = join(workspaceRoot, synthOutputDir(consumer), plan.environment, 'cdk.tf.json');
      if (!existsSync(file)) continue;
      const reads = outputsRead(readFileSync(file, 'utf8'), plan.stack);
      const changing = reads.filter((name) => plan.outputChanges.includes(name));
      const what = reads.map((name) => `${plan.stack}.${name}`).join(', ') || `no output of ${plan.stack}`;
      lines.push(
        changing.length > 0
          ? `- **${consumer}** (${plan.environment}) reads ${what}; the plan changes ${changing.join(', ')}: planned again and applied after ${plan.stack}`
          : `- ${consumer} (${plan.environment}) reads ${what}, which the plan does not change: left alone`,
      );
    }
  }
  return lines;
}

/** The pull request comment: every plan with what it was made against, refusals, consumers, then the blast radius. */
export function renderPullRequestComment(options: {
  readonly workspaceRoot: string;
  readonly review: Review;
  readonly graph: ReadonlyMap<string, readonly string[]>;
  readonly blastRadius?: BlastRadius;
}): string {
  const { review } = options;
  const parts = [`## Plans of this change`, '', `Head ${review.head.slice(0, 12)}, base ${review.base.slice(0, 12)}.`, ''];
  if (review.refusals.length > 0) {
    parts.push('### Refused: this change cannot merge as it is', '', ...review.refusals.map((r) => `- ${r.reason}`), '');
    return `${parts.join('\n')}\n`;
  }
  if (review.plans.length === 0) {
    parts.push('No stack changes in any environment planned: nothing to apply.', '');
  } else {
    parts.push(
      markdownTable(
        ['Stack', 'Environment', 'Plan', 'Add', 'Change', 'Destroy', 'Replaces', 'Guardrails', 'Planned against'],
        review.plans.map((p) => [
          p.stack,
          p.environment,
          p.operation === 'destroy' ? 'destroy (stack deleted)' : 'apply',
          String(p.summary.add),
          String(p.summary.change),
          String(p.summary.remove),
          p.summary.replace.map((a) => `\`${a}\``).join(', ') || 'none',
          p.operation === 'destroy' ? 'n/a' : 'pass',
          plannedAgainst(p),
        ]),
      ),
      '',
      'Guardrails: every planned configuration was synthesized under the policy pack, which refuses a violation. ' +
        'At merge the development environments apply exactly these plans while the state each was made against is unchanged; ' +
        'otherwise they are planned again and applied only if the resource changes are the same. Staging and production take promotions.',
      '',
    );
    if (review.plans.some((p) => p.offline)) {
      parts.push('Offline plans show what a first deployment would create; no plan credentials are configured, so they review no change against the live state.', '');
    }
  }
  const consumers = consumerLines(options.workspaceRoot, review, options.graph);
  if (consumers.length > 0) parts.push('### Consumers', '', ...consumers, '');
  if (options.blastRadius) parts.push(renderBlastRadius(options.blastRadius, options.graph));
  return `${parts.join('\n')}\n`;
}
