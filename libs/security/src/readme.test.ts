import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cdktf from 'cdktf';
import * as constructs from 'constructs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as security from './index';
import { synthGoogle } from './__fixtures__/stack';

/** README examples are tests: every ```ts block is type-checked, run against a stack, and its resources counted. */

const here = dirname(fileURLToPath(import.meta.url));

// cdktf checks terraform_data (ServiceAgents) by running `terraform version`; answer it as the platform's synth
// does (libs/core engine-version-checks), so the examples need no terraform on PATH.
(createRequire(import.meta.url)('cdktf/lib/util') as { terraformBinaryName: string }).terraformBinaryName = 'echo 1.7.0 #';
const README = join(here, '..', 'README.md');

interface Import {
  readonly from: string;
  /** [imported name, local name] of value imports (type-only specifiers are dropped). */
  readonly bindings: ReadonlyArray<readonly [string, string]>;
}

interface Example {
  readonly title: string;
  /** README line of the opening fence. */
  readonly line: number;
  readonly imports: readonly Import[];
  readonly importLines: string;
  readonly body: string;
  readonly expected: Readonly<Record<string, number>>;
}

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';\s*$/;

function parseExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const block = /```ts\n([\s\S]*?)```/g;
  for (let match = block.exec(markdown); match !== null; match = block.exec(markdown)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    const heading = [...markdown.slice(0, match.index).matchAll(/^#+ (.+)$/gm)].pop()?.[1] ?? 'top';
    const lines = match[1].split('\n');
    const imports: Import[] = [];
    const importLines: string[] = [];
    const body: string[] = [];
    for (const text of lines) {
      const found = IMPORT.exec(text);
      if (found) {
        importLines.push(text);
        if (found[1]) continue; // import type { ... }
        const bindings = found[2]
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '' && !s.startsWith('type '))
          .map((s) => {
            const [imported, local] = s.split(/\s+as\s+/);
            return [imported, local ?? imported] as const;
          });
        imports.push({ from: found[3], bindings });
      } else if (/^import\b/.test(text)) {
        throw new Error(`README.md:${line}: unsupported import form '${text}'; use import { A, B } from '...';`);
      } else {
        body.push(text);
      }
    }
    const annotation = /^\/\/ synthesizes: (.+)$/m.exec(match[1]);
    const expected = Object.fromEntries(
      (annotation?.[1] ?? '').split(/\s+/).filter(Boolean).map((pair) => {
        const [type, count] = pair.split('=');
        return [type, Number(count)];
      }),
    );
    examples.push({ title: `${heading} (README.md:${line})`, line, imports, importLines: importLines.join('\n'), body: body.join('\n'), expected });
  }
  return examples;
}

const RUNTIME_MODULES: Record<string, unknown> = { '@platform/security': security, cdktf, constructs };

async function load(from: string): Promise<Record<string, unknown>> {
  if (from in RUNTIME_MODULES) return RUNTIME_MODULES[from] as Record<string, unknown>;
  if (/^@cdktf\/provider-google\/lib\/[a-z0-9-]+$/.test(from)) return (await import(/* @vite-ignore */ from)) as Record<string, unknown>;
  throw new Error(`README imports '${from}', which the README test does not provide`);
}

/** Type-checks all examples in one program, each as `function example(scope: Construct) { body }`. */
function typeCheck(examples: readonly Example[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(here, '..', 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('cannot read libs/security/tsconfig.json');
  const files = new Map(
    examples.map((example, i) => [
      join(here, `__readme_example_${i}.ts`),
      `${example.importLines}\nimport type { Construct as ReadmeScope } from 'constructs';\n\nexport function example(scope: ReadmeScope): void {\n${example.body}\n}\n`,
    ]),
  );
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name) as string, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const example = d.file ? examples[[...files.keys()].indexOf(d.file.fileName)] : undefined;
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      // Virtual file: the import lines, two header lines, the function line, then the body (imports lead each block).
      const imports = example ? example.importLines.split('\n').length : 0;
      const line = example ? example.line + (at <= imports ? at : at - 3) : 0;
      return `README.md:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

const examples = parseExamples(readFileSync(README, 'utf8'));

describe('README.md', () => {
  it('has ts examples, each declaring the resources it synthesizes', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      expect(Object.keys(example.expected), example.title).not.toEqual([]);
    }
  });

  it('type-checks every example', () => {
    expect(typeCheck(examples)).toEqual([]);
  });

  it.each(examples.map((e) => [e.title, e] as const))('runs the example in %s', async (_title, example) => {
    const bindings: Array<[string, unknown]> = [];
    for (const { from, bindings: names } of example.imports) {
      const module = await load(from);
      for (const [imported, local] of names) {
        expect(module[imported], `${example.title}: '${imported}' is not exported by ${from}`).toBeDefined();
        bindings.push([local, module[imported]]);
      }
    }
    const js = ts.transpileModule(example.body, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    const run = new Function('scope', ...bindings.map(([name]) => name), js) as (...args: unknown[]) => void;

    const out = synthGoogle((scope) => run(scope, ...bindings.map(([, value]) => value)));

    for (const [type, count] of Object.entries(example.expected)) {
      expect(out.count(type), `${example.title}: ${type}`).toBe(count);
    }
    expect(out.count()).toBe(Object.values(example.expected).reduce((a, b) => a + b, 0));
  });
});
