/** Synthesizes every stack of the checked-out head (change detection compares it with the base). */
export async function synthesizeHead(purpose: string): Promise<string> {
  const [{ runSynth }, { findEstateRoot, UsageError }] = await Promise.all([import('@platform/synth'), import('@platform/workspace')]);
  const workspaceRoot = findEstateRoot();
  const outcomes = await runSynth({ workspaceRoot, stacks: [], log: (line) => console.error(line) });
  if (outcomes.some((o) => !o.ok)) throw new UsageError(`synth of the head failed: fix it before ${purpose}`);
  return workspaceRoot;
}
