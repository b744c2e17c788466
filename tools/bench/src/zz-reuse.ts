import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { listStacks } from '@platform/workspace';
import { synthesizeAt } from '@platform/change';
import { generateStacks } from './affected-bench';
import { seconds } from './timing';
const n = Number(process.argv[2] ?? 200);
const copy = copyWorkspaceAsRepository(process.cwd(), 'zz-reuse');
try {
  generateStacks(copy, n); commitAll(copy, 'gen');
  const stacks = listStacks(copy);
  for (let i = 0; i < 3; i++) console.log('base nx', await seconds(() => synthesizeAt(copy, 'HEAD', stacks, { throughNx: true, log: (l) => console.log(new Date().toISOString(), l) })));
  console.log('base nx, candidates only', await seconds(() => synthesizeAt(copy, 'HEAD', Promise.resolve(stacks), { throughNx: true, log: (l) => console.log(new Date().toISOString(), l) })));
} finally { removeWorkspaceCopy(copy); }
