/**
 * Synthesizes stacks of the checked-out head (change detection compares them with the base),
 * spread over the cores (or through Nx, whose cache may hold many of them: `synthesizeReusingNxCache`); a failure of any stops the command, saying what it was for, once the
 * work started beside it (the base's synth) has ended too, so that no child outlives the command.
 */
export async function synthesizeHead(workspaceRoot: string, stacks: readonly string[], purpose: string, beside: Promise<unknown>): Promise<void> {
  if (stacks.length === 0) return;
  const [{ synthesizeReusingNxCache }, { UsageError }] = await Promise.all([import('@platform/synth'), import('@platform/workspace')]);
  const results = await synthesizeReusingNxCache({ workspaceRoot, stacks, log: (line) => console.error(line) });
  const failed = results.filter((result) => !result.ok).map((result) => result.stack);
  if (failed.length === 0) return;
  await Promise.allSettled([beside]);
  throw new UsageError(`synth of the head failed for ${failed.join(', ')}: fix it before ${purpose}`);
}

/**
 * What a change reaches (one `nx affected`, in a child process started before anything heavy
 * loads), while this process loads the change library and the synth code (cdktf, the
 * constructs) it will need next. The caller starts it before its own imports.
 */
export async function scopeOfChange(workspaceRoot: string, base: string, head: string): Promise<import('@platform/change').ChangeScope> {
  // Nx first, from a module that loads next to nothing: the libraries load while it runs.
  const [{ startNxAffected }, { awaitedLater }] = await Promise.all([import('@platform/change/nx-affected'), import('@platform/workspace/run-in-background')]);
  const started = startNxAffected(workspaceRoot, base, head);
  const nxAffected = started && awaitedLater(started);
  const { scopeChange } = await import('@platform/change');
  const [scope] = await Promise.all([scopeChange(workspaceRoot, base, head, nxAffected), import('@platform/synth')]);
  return scope;
}
