import type { Command } from 'commander';

export function registerPlanEnv(program: Command): void {
  program
    .command('plan-env')
    .description('Plan every stack of an environment in dependency order, from zero if nothing was applied: never-applied upstreams are read from their plans.')
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (options: { env: string; json?: boolean }) => {
      const [{ planEnvironment, renderEnvironmentPlan, writeEnvironmentPlan }, { findWorkspaceRoot }] = await Promise.all([
        import('@platform/deploy'),
        import('@platform/workspace'),
      ]);
      const workspaceRoot = findWorkspaceRoot();
      const plan = await planEnvironment({ workspaceRoot, environment: options.env, log: (line) => console.error(line) });
      const files = writeEnvironmentPlan(workspaceRoot, plan);
      console.log(options.json ? JSON.stringify(plan, null, 2) : renderEnvironmentPlan(plan));
      console.error(`report: ${files.markdown}, ${files.json}`);
    });
}
