/**
 * README examples are tests (Fabric's lesson): every ```ts block of README.md is type-checked
 * with the workspace's strict config, run in a stack that has a google provider, synthesized,
 * and its resources counted against the block's `// tftest resources=N` line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import * as observability from './index';
import { synth } from './__fixtures__/synth';

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(here, '../../..');
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const requireFromHere = createRequire(import.meta.url);

interface Example {
  /** "Vpc, example 1 (README.md line 40)" */
  readonly title: string;
  readonly code: string;
  readonly expectedResources?: number;
}

/** Every ```ts block, titled by the heading above it. */
function extractExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  const perHeading = new Map<string, number>();
  let heading = 'README';
  for (let i = 0; i < lines.length; i++) {
    const match = /^#{1,6}\s+(.+)$/.exec(lines[i]);
    if (match) heading = match[1].trim();
    if (lines[i].trim() !== '```ts') continue;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    const code = lines.slice(i + 1, end).join('\n');
    const n = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, n);
    const count = /^\/\/ tftest resources=(\d+)\s*$/m.exec(code);
    examples.push({
      title: `${heading}, example ${n} (README.md line ${i + 1})`,
      code,
      expectedResources: count ? Number(count[1]) : undefined,
    });
    i = end;
  }
  return examples;
}

/** Turns a block (imports, then statements using `scope`) into a module exporting `example(scope)`. */
function asModule(code: string): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const statements = source.statements;
  const firstBody = statements.findIndex((s) => !ts.isImportDeclaration(s));
  if (firstBody >= 0 && statements.slice(firstBody).some(ts.isImportDeclaration)) {
    throw new Error('imports must come before the example code');
  }
  const bodyStart = firstBody >= 0 ? statements[firstBody].getFullStart() : code.length;
  return [
    code.slice(0, bodyStart),
    "import type { Construct as ReadmeScope } from 'constructs';",
    'export function example(scope: ReadmeScope): void {',
    code.slice(bodyStart),
    '}',
    '',
  ].join('\n');
}

const ALLOWED_IMPORT = /^(@platform\/observability|cdktf|constructs|@cdktf\/provider-google\/lib\/[a-z0-9-]+)$/;

function load(specifier: string): unknown {
  if (!ALLOWED_IMPORT.test(specifier)) {
    throw new Error(
      `imports '${specifier}': examples may import @platform/observability, cdktf, constructs and provider classes by deep path only`,
    );
  }
  return specifier === '@platform/observability' ? observability : requireFromHere(specifier);
}

/** Transpiles and runs an example against a scope. */
function run(example: Example, scope: Construct): void {
  const { outputText } = ts.transpileModule(asModule(example.code), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: 'example.ts',
  });
  const module = { exports: {} as { example?: (scope: Construct) => void } };
  new Function('require', 'module', 'exports', outputText)(load, module, module.exports);
  module.exports.example!(scope);
}

/** Type-checks every example as a virtual file of this library, with the workspace's compiler options. */
function typeCheck(examples: readonly Example[]): string[][] {
  const config = ts.readConfigFile(join(workspaceRoot, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, workspaceRoot);
  const files = new Map(examples.map((example, i) => [join(here, `__readme_example_${i}__.ts`), asModule(example.code)]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = files.get(fileName);
    return text === undefined ? getSourceFile(fileName, languageVersion, ...rest) : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);

  const program = ts.createProgram([...files.keys()], { ...options, noEmit: true }, host);
  return [...files.keys()].map((fileName) => {
    const file = program.getSourceFile(fileName)!;
    return ts.getPreEmitDiagnostics(program, file).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const line = where && d.file ? d.file.text.split('\n')[where.line].trim() : '';
      return `${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${line ? ` (at: ${line})` : ''}`;
    });
  });
}

const examples = extractExamples(readme);

describe('README.md', () => {
  it('has examples, each stating its resource count', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) expect(example.expectedResources, example.title).toBeGreaterThan(0);
  });

  it('marks every TypeScript block as ts, so none escapes these tests', () => {
    expect(readme).not.toMatch(/^```(typescript|js|javascript|tsx)\s*$/m);
  });

  it('documents every export of the library', () => {
    const missing = Object.keys(observability).filter((name) => !readme.includes(name));
    expect(missing).toEqual([]);
  });

  describe('examples', () => {
    let diagnostics: string[][] = [];
    // Building a program over cdktf and the provider's types takes a few seconds.
    beforeAll(() => {
      diagnostics = typeCheck(examples);
    }, 120_000);

    it.each(examples.map((example, index) => [example.title, example, index] as const))('%s type-checks', (_title, _example, index) => {
      expect(diagnostics[index]).toEqual([]);
    });

    it.each(examples.map((example) => [example.title, example] as const))('%s synthesizes', (_title, example) => {
      const out = synth((scope) => run(example, scope));
      expect(out.count()).toBeGreaterThan(0);
      if (example.expectedResources !== undefined) expect(out.count()).toBe(example.expectedResources);
    });
  });
});
