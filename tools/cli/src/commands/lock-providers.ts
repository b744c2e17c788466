import type { Command } from 'commander';

export function registerLockProviders(program: Command): void {
  program
    .command('lock-providers')
    .description(
      "Write each stack's committed provider lock file (stacks/<stack>/.terraform.lock.hcl) with tofu providers lock, keeping the hashes it holds: " +
        'from the registry for linux_amd64, darwin_amd64 and darwin_arm64 where it answers, and from the source-built mirror for this platform.',
    )
    .argument('[stacks...]', 'stacks to lock (default: every stack)')
    .option('--providers <source>', 'auto (default: a reachability probe), registry or mirror')
    .option('--estate <dir>', 'the estate whose stacks to lock (default: this workspace)')
    .action(async (stacks: string[], options: { providers?: string; estate?: string }) => {
      const [{ lockStackProviders }, { parseProviderSourceRequest }, { runSynth }, { ExternalError, findEstateRoot, listStacks, UsageError }, { resolve }] = await Promise.all([
        import('@platform/deploy'),
        import('@platform/engine'),
        import('@platform/synth'),
        import('@platform/workspace'),
        import('node:path'),
      ]);
      const providerSource = options.providers === undefined ? undefined : parseProviderSourceRequest(options.providers, '--providers');
      const workspaceRoot = options.estate ? resolve(options.estate) : findEstateRoot();
      const known = listStacks(workspaceRoot);
      const unknown = stacks.filter((stack) => !known.includes(stack));
      if (unknown.length > 0) throw new UsageError(`unknown stack ${unknown.join(', ')}: the stacks are ${known.join(', ')}`);
      // The providers come from the synthesized configuration, so it is synthesized first (as it stands now).
      const synthesized = await runSynth({ workspaceRoot, stacks, log: () => {} });
      const failed = synthesized.filter((outcome) => !outcome.ok);
      if (failed.length > 0) throw new ExternalError(`cannot lock providers: synth failed for ${failed.map((o) => o.stack).join(', ')} (run 'npx nx run-many -t synth' to see why)`);
      for (const stack of stacks.length > 0 ? stacks : known) {
        await lockStackProviders({ workspaceRoot, stack, log: (line) => console.error(line), ...(providerSource ? { providerSource } : {}) });
      }
    });
}
