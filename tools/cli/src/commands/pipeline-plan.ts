import type { Command } from 'commander';
import { knownEnvironment } from './options';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerPipelinePlan(pipeline: Command): void {
  pipeline
    .command('plan')
    .description(
      "The pull request's step: plan every stack whose synthesized output changes, in every environment where it changes, and a destroy of every deleted stack wherever it has state; " +
        'keep the plans with what each was made against (reviewed-plans.json) and write the pull request comment. Refused while a remaining stack reads a deleted one.',
    )
    .requiredOption('--base <ref>', 'base commit (in CI: the merge base, e.g. origin/main)')
    .option('--head <ref>', 'head commit (must be checked out)', 'HEAD')
    .option('-e, --env <environment>', 'only this environment (repeatable); every environment when absent', (value: string, previous?: string[]) => collect(knownEnvironment(value), previous))
    .option('--offline', 'plan from zero without state or credentials (no plan credentials configured)')
    .option('--out <dir>', 'where the review goes (default: dist/pipeline of the estate)')
    .action(async (options: { base: string; head: string; env?: string[]; offline?: boolean; out?: string }) => {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { join, relative, resolve } = await import('node:path');
      const [{ scopeChange, synthesizeAt }, { synthesizeReusingNxCache }, { planChange, renderPullRequestComment, REVIEWED_PLANS_DIR, PR_COMMENT_FILE }, { awaitedLater, findEstateRoot, readStackGraph, UsageError }] =
        await Promise.all([import('@platform/change'), import('@platform/synth'), import('@platform/pipeline'), import('@platform/workspace')]);
      const root = findEstateRoot();
      const dir = options.out ? resolve(options.out) : join(root, REVIEWED_PLANS_DIR);
      mkdirSync(dir, { recursive: true });
      const comment = join(dir, PR_COMMENT_FILE);
      // What the change reaches (nx affected) and the base's candidates are worked out in child
      // processes while this one synthesizes every stack of the head (an offline plan of an
      // environment plans it whole, upstream outputs included).
      const scope = awaitedLater(scopeChange(root, options.base, options.head));
      const atBase = awaitedLater(synthesizeAt(root, options.base, scope.then((s) => s.candidates)));
      const outcomes = await synthesizeReusingNxCache({ workspaceRoot: root, stacks: [], log: (line) => console.error(line) });
      const failed = outcomes.filter((o) => !o.ok);
      if (failed.length > 0) {
        await Promise.allSettled([scope, atBase]);
        const lines = failed.flatMap((o) => (o.ok ? [] : o.failures.map((f) => `- ${o.stack}: ${f.message.split('\n').join(' ')}`)));
        writeFileSync(comment, `## Plans of this change\n\n### Synth or guardrails failed: nothing was planned\n\n${lines.join('\n')}\n`);
        throw new UsageError(`synth of the head failed (guardrails or code): ${failed.map((o) => o.stack).join(', ')}; see ${relative(process.cwd(), comment)}`);
      }
      const result = await planChange({
        workspaceRoot: root,
        base: options.base,
        head: options.head,
        dir,
        offline: options.offline === true,
        scope,
        atBase,
        ...(options.env ? { environments: options.env } : {}),
        log: (line) => console.error(line),
      });
      const markdown = renderPullRequestComment({ workspaceRoot: root, review: result.review, graph: readStackGraph(root), ...(result.blastRadius ? { blastRadius: result.blastRadius } : {}) });
      writeFileSync(comment, markdown);
      console.log(markdown);
      console.error(`review: ${relative(process.cwd(), result.reviewFile)} (${result.review.plans.length} plans), comment: ${relative(process.cwd(), comment)}`);
      if (result.review.refusals.length > 0) throw new UsageError(`the change is refused: ${result.review.refusals.map((r) => r.reason).join('; ')}`);
    });
}
