import type { Command } from 'commander';

export function registerPlanEnv(program: Command): void {
  program
    .command('plan-env')
    .description(
      'Plan every stack of an environment in dependency order, from zero if nothing was applied: never-applied upstreams are read from their plans. ' +
        'Offline (also chosen when a GCS-backed environment finds no Google credentials): a local empty state, placeholder credentials, no refresh.',
    )
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)')
    .option('--offline', 'plan from zero without credentials or network, instead of against the live state')
    .option('--stack <stack>', 'only this stack and the stacks it reads from, directly or not (repeatable); every stack when absent', (value: string, previous: string[] = []) => [...previous, value])
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (options: { env: string; offline?: boolean; stack?: string[]; json?: boolean }) => {
      const [{ loadEnvironment }, { choosePlanMode, planEnvironment, renderEnvironmentPlan, writeEnvironmentPlan }, { findEstateRoot }] = await Promise.all([
        import('@platform/config'),
        import('@platform/deploy'),
        import('@platform/workspace'),
      ]);
      const workspaceRoot = findEstateRoot();
      const mode = choosePlanMode(loadEnvironment(workspaceRoot, options.env), options.offline === true);
      console.error(`${options.env}: ${mode.offline ? 'offline plan from zero' : 'plan against the configured backend'} (${mode.reason})`);
      const plan = await planEnvironment({
        workspaceRoot,
        environment: options.env,
        offline: mode.offline,
        ...(options.stack ? { stacks: options.stack } : {}),
        log: (line) => console.error(line),
      });
      const files = writeEnvironmentPlan(workspaceRoot, plan);
      console.log(options.json ? JSON.stringify(plan, null, 2) : renderEnvironmentPlan(plan));
      console.error(`report: ${files.markdown}, ${files.json}`);
    });
}
