import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nxChildEnvironment, nxCommand } from '@platform/config';
import { ExternalError } from '@platform/workspace';
import type { CiTaskGraph } from './ci-shards';

export interface TaskGraphQuery {
  readonly targets: readonly string[];
  /** base..head as `nx affected` compares them; every project when absent. */
  readonly range?: { readonly base: string; readonly head: string };
  /** The configuration of the targets (an environment for apply), if any. */
  readonly configuration?: string;
}

interface NxGraphFile {
  readonly tasks?: {
    readonly tasks: Record<string, { readonly id: string; readonly target: { readonly project: string; readonly target: string } }>;
    readonly dependencies: Record<string, string[]>;
  };
}

/** The task graph Nx would run (`nx affected` or `nx run-many` with `--graph`), without running anything. */
export function readNxTaskGraph(workspaceRoot: string, query: TaskGraphQuery): CiTaskGraph {
  const dir = mkdtempSync(join(tmpdir(), 'task-graph-'));
  try {
    const file = join(dir, 'graph.json');
    const selection = query.range ? ['affected', `--base=${query.range.base}`, `--head=${query.range.head}`] : ['run-many'];
    const args = [...selection, '-t', query.targets.join(','), ...(query.configuration ? ['-c', query.configuration] : []), `--graph=${file}`];
    const nx = nxCommand(workspaceRoot, args);
    const result = spawnSync(nx.command, nx.args, { cwd: workspaceRoot, encoding: 'utf8', env: nxChildEnvironment() });
    if (result.status !== 0) throw new ExternalError(`nx ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' / ')}`);
    let graph: NxGraphFile;
    try {
      graph = JSON.parse(readFileSync(file, 'utf8')) as NxGraphFile;
    } catch (error) {
      throw new ExternalError(`nx ${args.join(' ')} wrote no readable task graph: ${(error as Error).message}`);
    }
    const tasks = Object.values(graph.tasks?.tasks ?? {}).map((task) => ({ id: task.id, project: task.target.project, target: task.target.target }));
    return { tasks, dependencies: graph.tasks?.dependencies ?? {} };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
