import { describe, expect, it } from 'vitest';
import { readProjectManifest } from './project-manifest';

describe('project manifest (package.json)', () => {
  it('reads a stack manifest with its upstream stacks and tags', () => {
    const text = JSON.stringify({
      name: 'web',
      description: 'd',
      stack: { upstream: ['network'], smoke: [{ output: 'url', matches: '^https://' }] },
      nx: { tags: ['layer:service'] },
    });
    expect(readProjectManifest('stacks/web/package.json', text, 'stack')).toEqual({
      root: 'stacks/web',
      kind: 'stack',
      name: 'web',
      description: 'd',
      tags: ['layer:service'],
      upstream: ['network'],
      smoke: [{ output: 'url', matches: '^https://' }],
      targets: {},
      namedInputs: {},
    });
  });

  it("carries the project's own nx targets and named inputs for the plugin to merge", () => {
    const text = JSON.stringify({
      name: '@platform/engine',
      nx: { tags: ['type:tool'], targets: { setup: { command: 'tsx tools/engine/bin/setup.mts --for-tests', cache: false } }, namedInputs: { integrationWorkspaceFiles: ['estate'] } },
    });
    const manifest = readProjectManifest('tools/engine/package.json', text, 'tool');
    expect(manifest.targets).toEqual({ setup: { command: 'tsx tools/engine/bin/setup.mts --for-tests', cache: false } });
    expect(manifest.namedInputs).toEqual({ integrationWorkspaceFiles: ['estate'] });
    expect(() => readProjectManifest('tools/engine/package.json', JSON.stringify({ name: 'x', nx: { namedInputs: { a: 'not a list' } } }), 'tool')).toThrow(
      /tools\/engine\/package.json: key 'nx.namedInputs.a'/,
    );
  });

  it.each([
    ['invalid JSON', '{', /stacks\/web\/package\.json: not valid JSON/],
    ['a name that differs from the folder', JSON.stringify({ name: 'webapp', stack: { upstream: [] } }), /key 'name' must equal the stack folder name 'web'/],
    ['a stack without a stack key', JSON.stringify({ name: 'web' }), /key 'stack' is required/],
    ['an upstream that is not a stack name', JSON.stringify({ name: 'web', stack: { upstream: ['Net'] } }), /key 'stack\.upstream\.0' must be kebab-case/],
    ['a stack that reads itself', JSON.stringify({ name: 'web', stack: { upstream: ['web'] } }), /must not name the stack itself/],
    ['an unknown key under stack', JSON.stringify({ name: 'web', stack: { upstream: [], after: [] } }), /key 'stack'.*Unrecognized key/],
    ['a smoke check whose pattern is not a regular expression', JSON.stringify({ name: 'web', stack: { smoke: [{ output: 'url', matches: '(' }] } }), /key 'stack\.smoke\.0\.matches' must be a valid regular expression/],
  ])('refuses %s, naming the file and the key', (_case, text, expected) => {
    expect(() => readProjectManifest('stacks/web/package.json', text, 'stack')).toThrow(expected);
  });
});
