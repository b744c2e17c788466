export { cdktfMatchers, type ResourceType } from './matchers';
export { parseEach, parseSynthesized, type ParsedStack, type ParsedStack as Synthesized } from './parsed-stack';
export { synthesize, synthesizeScope } from './synthesized';
export { writeFiles } from './files';
export { lastJsonLineOfScript, TSX } from './tsx';
export { commitAll, copyWorkspace, copyWorkspaceAsRepository, copyWorkspaceAsRepositoryInto, copyWorkspaceInto, readTree, removeWorkspaceCopy } from './workspace-copy';
export { resourceNamed, synthesizeWithGoogle } from './google-stack';
