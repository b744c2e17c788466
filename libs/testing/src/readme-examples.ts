/**
 * README examples are tests (Fabric's lesson). `describeReadmeExamples` declares, for a library's
 * README.md, tests that every ```ts block type-checks with the library's strict tsconfig, runs in a
 * stack that has a google provider (the block receives `scope: Construct`), synthesizes, and makes
 * the resources its annotation line states:
 *
 * - `// tftest resources=N`: N resources in all;
 * - `// synthesizes: google_kms_key_ring=1 google_kms_crypto_key=2`: so many of each type and no others.
 *
 * A block is its imports, then statements. It may import the library by its specifier, the other
 * workspace libraries it is given (`modules`), `cdktf`, `constructs`, and provider classes by deep
 * path (`@cdktf/provider-google/lib/<resource>`). In libs/<name>/src/readme.test.ts:
 *
 * ```ts
 * import { describeReadmeExamples } from '@platform/testing/readme-examples';
 * import * as networking from './index';
 *
 * describeReadmeExamples({ readme: new URL('../README.md', import.meta.url), specifier: '@platform/networking', library: networking });
 * ```
 *
 * An entry point of its own, not in the package index: it loads Vitest and the TypeScript compiler,
 * which the tools importing `@platform/testing` outside tests should not pay for.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { Construct } from 'constructs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeScope } from './synthesized';

export interface ReadmeExamplesOptions {
  /** The library's README.md, at the library's root: a path, or a URL such as `new URL('../README.md', import.meta.url)`. */
  readonly readme: string | URL;
  /** The import specifier the blocks use for the library, e.g. `'@platform/networking'`. */
  readonly specifier: string;
  /** The library's module namespace (`import * as networking from './index'`): what `specifier` stands for, and the exports the README must mention. */
  readonly library: Readonly<Record<string, unknown>>;
  /** Other workspace libraries the blocks import, by specifier, e.g. `{ '@platform/security': security }`. */
  readonly modules?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The fewest ```ts blocks the README may have (5 unless said). */
  readonly minExamples?: number;
  /** Whether the README must mention every export of the library (true unless said). */
  readonly documentsEveryExport?: boolean;
}

/** One ```ts block of a README. */
export interface ReadmeExample {
  /** "Vpc, example 1 (README.md:61)": the heading above the block, and the line of its opening fence. */
  readonly title: string;
  /** README line (1-based) of the opening fence; the block's line `i` (0-based) is README line `line + 1 + i`. */
  readonly line: number;
  readonly code: string;
  /** Resources in all: the `// tftest resources=N` count, else the sum of the `// synthesizes:` counts. */
  readonly resources?: number;
  /** Resources by type, from a `// synthesizes: type=N ...` line. */
  readonly resourcesByType?: Readonly<Record<string, number>>;
}

/** Every ```ts block of a README, titled by the heading above it, with the resource counts it states. */
export function parseReadmeExamples(markdown: string, file = 'README.md'): ReadmeExample[] {
  const lines = markdown.split('\n');
  const examples: ReadmeExample[] = [];
  const perHeading = new Map<string, number>();
  let heading = file;
  for (let i = 0; i < lines.length; i++) {
    const match = /^#{1,6}\s+(.+)$/.exec(lines[i]!);
    if (match) heading = match[1]!.trim();
    if (lines[i]!.trim() !== '```ts') continue;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    const code = lines.slice(i + 1, end).join('\n');
    const n = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, n);
    const total = /^\/\/ tftest resources=(\d+)\s*$/m.exec(code);
    const byType = /^\/\/ synthesizes:(.*)$/m.exec(code);
    const resourcesByType = byType ? parseTypeCounts(byType[1]!, `${file}:${i + 1}`) : undefined;
    examples.push({
      title: `${heading}, example ${n} (${file}:${i + 1})`,
      line: i + 1,
      code,
      resources: total ? Number(total[1]) : resourcesByType && Object.values(resourcesByType).reduce((a, b) => a + b, 0),
      resourcesByType,
    });
    i = end;
  }
  return examples;
}

/** `google_kms_key_ring=1 google_kms_crypto_key=2` as counts by type. */
function parseTypeCounts(text: string, where: string): Record<string, number> {
  return Object.fromEntries(
    text
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const match = /^([a-z0-9_]+)=(\d+)$/.exec(pair);
        if (!match) throw new Error(`${where}: '${pair}' in '// synthesizes:' is not <resource type>=<count>`);
        return [match[1]!, Number(match[2])];
      }),
  );
}

/**
 * A block (imports, then statements using `scope`) as a module exporting `example(scope)`. The
 * function's header goes on the line of the last import, so the module's lines are the block's.
 */
function asModule(code: string): string {
  const statements = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true).statements;
  const firstBody = statements.findIndex((s) => !ts.isImportDeclaration(s));
  if (firstBody >= 0 && statements.slice(firstBody).some(ts.isImportDeclaration)) {
    throw new Error('imports must come before the example code');
  }
  const bodyStart = firstBody >= 0 ? statements[firstBody]!.getFullStart() : code.length;
  const header = " import type { Construct as ReadmeScope } from 'constructs'; export function example(scope: ReadmeScope): void {";
  return `${code.slice(0, bodyStart)}${header}${code.slice(bodyStart)}\n}\n`;
}

/** The names a block imports as values, by specifier (type-only imports need no module at run time). */
function valueImports(code: string): Array<{ readonly from: string; readonly names: readonly string[] }> {
  return ts
    .createSourceFile('example.ts', code, ts.ScriptTarget.ES2022)
    .statements.filter(ts.isImportDeclaration)
    .filter((declaration) => !declaration.importClause?.isTypeOnly)
    .map((declaration) => {
      const bindings = declaration.importClause?.namedBindings;
      const names = bindings && ts.isNamedImports(bindings) ? bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text) : [];
      return { from: (declaration.moduleSpecifier as ts.StringLiteral).text, names };
    });
}

const requireHere = createRequire(import.meta.url);
const PACKAGE = /^(cdktf|constructs|@cdktf\/provider-google\/lib\/[a-z0-9-]+)$/;

/** What a block's import stands for: a workspace library it was given, or a package it may use. */
function moduleFor(specifier: string, modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Readonly<Record<string, unknown>> {
  if (Object.hasOwn(modules, specifier)) return modules[specifier]!;
  if (PACKAGE.test(specifier)) return requireHere(specifier) as Record<string, unknown>;
  throw new Error(
    `imports '${specifier}': examples may import ${Object.keys(modules).join(', ')}, cdktf, constructs and provider classes by deep path only ` +
      '(another workspace library goes in the modules option of describeReadmeExamples)',
  );
}

/** Transpiles a block and runs it against a scope. */
function runExample(example: ReadmeExample, modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>, scope: Construct): void {
  for (const { from, names } of valueImports(example.code)) {
    const module = moduleFor(from, modules);
    for (const name of names) {
      if (module[name] === undefined) throw new Error(`${example.title}: '${name}' is not exported by ${from}`);
    }
  }
  const { outputText } = ts.transpileModule(asModule(example.code), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: 'example.ts',
  });
  const module = { exports: {} as { example?: (scope: Construct) => void } };
  new Function('require', 'module', 'exports', outputText)((specifier: string) => moduleFor(specifier, modules), module, module.exports);
  module.exports.example!(scope);
}

/**
 * Type-checks every block as a file of the library (in one program: building one over cdktf and
 * the provider's types takes seconds) with the library's tsconfig; the diagnostics of each block,
 * each naming its README line.
 */
function typeCheck(examples: readonly ReadmeExample[], libraryRoot: string, file: string): string[][] {
  const config = ts.getParsedCommandLineOfConfigFile(join(libraryRoot, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error(`cannot read ${join(libraryRoot, 'tsconfig.json')}`);
  const files = new Map(examples.map((example, i) => [join(libraryRoot, 'src', `__readme_example_${i}__.ts`), asModule(example.code)]));
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = files.get(fileName);
    return text === undefined ? getSourceFile(fileName, languageVersion, ...rest) : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);

  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  return [...files.keys()].map((fileName, i) => {
    const example = examples[i]!;
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(fileName)).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) return message;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${file}:${example.line + 1 + line}: ${message} (at: ${example.code.split('\n')[line]?.trim() ?? ''})`;
    });
  });
}

/**
 * cdktf checks terraform_data (and import and moved blocks) by running `terraform version` during
 * synth. Answered as the platform's synth answers it (libs/core engine-version-checks: the oldest
 * engine it supports), so the examples need no terraform on PATH.
 */
function answerEngineVersionChecks(): void {
  (requireHere('cdktf/lib/util') as { terraformBinaryName: string }).terraformBinaryName = 'echo 1.7.0 #';
}

/** Declares the README's tests (see the module comment). */
export function describeReadmeExamples(options: ReadmeExamplesOptions): void {
  const path = typeof options.readme === 'string' ? options.readme : fileURLToPath(options.readme);
  const file = basename(path);
  const markdown = readFileSync(path, 'utf8');
  const examples = parseReadmeExamples(markdown, file);
  const modules = { ...options.modules, [options.specifier]: options.library };

  describe(file, () => {
    it('has examples, each stating its resource count', () => {
      expect(examples.length).toBeGreaterThanOrEqual(options.minExamples ?? 5);
      for (const example of examples) expect(example.resources, example.title).toBeGreaterThan(0);
    });

    it('marks every TypeScript block as ts, so none escapes these tests', () => {
      expect(markdown).not.toMatch(/^```(typescript|js|javascript|tsx)\s*$/m);
    });

    if (options.documentsEveryExport ?? true) {
      it('documents every export of the library', () => {
        expect(Object.keys(options.library).filter((name) => !markdown.includes(name))).toEqual([]);
      });
    }

    describe('examples', () => {
      let diagnostics: string[][] = [];
      beforeAll(() => {
        answerEngineVersionChecks();
        diagnostics = typeCheck(examples, dirname(path), file);
      }, 120_000);

      it.each(examples.map((example, index) => [example.title, index] as const))('%s type-checks', (_title, index) => {
        expect(diagnostics[index]).toEqual([]);
      });

      it.each(examples.map((example) => [example.title, example] as const))('%s synthesizes', (_title, example) => {
        const out = synthesizeScope((scope) => {
          new GoogleProvider(scope, 'google', { project: 'test-project', region: 'europe-west1' });
          runExample(example, modules, scope);
        });
        for (const [type, count] of Object.entries(example.resourcesByType ?? {})) {
          expect(out.count(type), `${example.title}: ${type}`).toBe(count);
        }
        expect(out.count(), example.title).toBe(example.resources);
      });
    });
  });
}
