import { resolve } from 'node:path';
import ts from 'typescript';
import { batchOfTasks, singleTask, type TaskEnd } from '../run-together';

export interface TypecheckExecutorOptions {
  /** The project's tsconfig.json, from the workspace root. */
  readonly tsConfig: string;
}

/** How one project's typecheck ended, and what it printed. */
export type ProjectTypecheck = TaskEnd;

/** Parses a tsconfig as `tsc -p` does: its root files and options, and the config's own errors. */
function parseConfig(path: string): { parsed?: ts.ParsedCommandLine; errors: ts.Diagnostic[] } {
  const errors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => errors.push(diagnostic) });
  if (!parsed) return { errors };
  return { parsed, errors: [...errors, ...ts.getConfigFileParsingDiagnostics(parsed)] };
}

/** Options as a key: projects whose configs resolve to the same options can share one program. */
function optionsKey(options: ts.CompilerOptions): string {
  const { configFile: _configFile, configFilePath: _configFilePath, ...rest } = options;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
}

/** A compiler host that parses each file, and resolves each import, once for every program made with it. */
function sharedSourceHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const resolutions = ts.createModuleResolutionCache(host.getCurrentDirectory(), (fileName) => host.getCanonicalFileName(fileName), options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, containingSourceFile) =>
    literals.map((literal) =>
      ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, resolutions, redirectedReference, ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions)),
    );
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const version = typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion;
    const key = `${version}:${fileName}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(key);
  };
  return host;
}

function format(diagnostics: readonly ts.Diagnostic[], workspaceRoot: string): string {
  if (diagnostics.length === 0) return '';
  const text = ts.formatDiagnostics(diagnostics, {
    getCurrentDirectory: () => workspaceRoot,
    getCanonicalFileName: (fileName) => fileName,
    getNewLine: () => '\n',
  });
  const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error).length;
  return `${text}\nFound ${errors} error${errors === 1 ? '' : 's'}.\n`;
}

/**
 * Type-checks several projects as `tsc -p <tsConfig> --noEmit` checks each, with one program for
 * all the projects whose configs give the same compiler options: a library's files are parsed and
 * checked once, not once per project that imports it. Each project gets the diagnostics of the
 * files its own program would hold (its files and those it imports, from any project), and the
 * program-wide ones; a project whose config cannot be read fails alone.
 *
 * One difference with separate programs: a module augmentation (libs/testing's vitest matchers)
 * applies to every project of the shared program, as the shared test set-up applies it at run time.
 */
export function typecheckTogether(workspaceRoot: string, tsConfigs: ReadonlyMap<string, string>): Map<string, ProjectTypecheck> {
  const results = new Map<string, ProjectTypecheck>();
  const groups = new Map<string, { options: ts.CompilerOptions; projects: { key: string; rootNames: readonly string[] }[] }>();
  for (const [key, tsConfig] of tsConfigs) {
    const { parsed, errors } = parseConfig(resolve(workspaceRoot, tsConfig));
    if (!parsed || errors.length > 0) {
      results.set(key, { success: false, terminalOutput: format(errors, workspaceRoot) });
      continue;
    }
    const groupKey = optionsKey(parsed.options);
    const group = groups.get(groupKey) ?? { options: parsed.options, projects: [] };
    group.projects.push({ key, rootNames: parsed.fileNames });
    groups.set(groupKey, group);
  }
  for (const { options, projects } of groups.values()) {
    const host = sharedSourceHost(options);
    // What each project's own program would hold: only module resolution, the files are parsed once.
    const filesOf = new Map(
      projects.map(({ key, rootNames }) => [key, new Set(ts.createProgram({ rootNames, options, host }).getSourceFiles().map((file) => file.fileName))]),
    );
    const program = ts.createProgram({ rootNames: [...new Set(projects.flatMap((project) => project.rootNames))], options, host });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    for (const { key } of projects) {
      const files = filesOf.get(key)!;
      const own = diagnostics.filter((diagnostic) => diagnostic.file === undefined || files.has(diagnostic.file.fileName));
      const failed = own.some((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
      results.set(key, { success: !failed, terminalOutput: format(own, workspaceRoot) });
    }
  }
  return results;
}

/** One typecheck task on its own: `nx run <project>:typecheck` where no batch applies. */
export default singleTask((options: TypecheckExecutorOptions) => options.tsConfig, typecheckTogether);

/**
 * The typecheck tasks of one Nx run, together (Nx's batch mode; `preferBatch` in executors.json):
 * one program checks them all. Nx still caches and restores each task on its own.
 */
export const batchTypecheck = batchOfTasks((options: TypecheckExecutorOptions) => options.tsConfig, typecheckTogether);
