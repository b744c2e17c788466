import { describe, expect, it } from 'vitest';
import { verifyStackOutputs } from './smoke';

const configuration = JSON.stringify({ output: { greeting: { value: '${x}' }, url: { value: '${y}' } } });

describe('verifying a deployed stack', () => {
  it('passes when every declared output has a value and every smoke check matches', () => {
    const outputs = { greeting: { value: 'hello, app-1', sensitive: false }, url: { value: 'https://x', sensitive: false } };
    expect(verifyStackOutputs(configuration, outputs, [{ output: 'greeting', matches: '^hello, ' }])).toEqual([]);
  });

  it('names a declared output without a value', () => {
    const outputs = { greeting: { value: 'hello', sensitive: false }, url: { value: null, sensitive: false } };
    expect(verifyStackOutputs(configuration, outputs, [])).toEqual(["output 'url' has no value"]);
  });

  it('names a smoke check that fails, with the value, and one whose output does not exist', () => {
    const outputs = { greeting: { value: 'bye', sensitive: false }, url: { value: 'https://x', sensitive: false } };
    expect(verifyStackOutputs(configuration, outputs, [{ output: 'greeting', matches: '^hello, ' }, { output: 'port', matches: '\\d+' }])).toEqual([
      "smoke check: output 'greeting' is 'bye', which does not match /^hello, /",
      "smoke check: output 'port' does not exist",
    ]);
  });

  it('does not print a sensitive value that fails its check', () => {
    const outputs = { greeting: { value: 'secret', sensitive: true }, url: { value: 'u', sensitive: false } };
    expect(verifyStackOutputs(configuration, outputs, [{ output: 'greeting', matches: '^x' }])[0]).toContain("is '(sensitive)'");
  });

  it('fails a stack with neither outputs nor smoke checks: it has nothing to verify, so it cannot pass unseen', () => {
    expect(verifyStackOutputs(JSON.stringify({ resource: {} }), {}, [])).toEqual([expect.stringMatching(/^nothing to verify: the stack declares no outputs and no smoke checks/)]);
  });

  it('verifies a stack without outputs through its smoke checks alone', () => {
    expect(verifyStackOutputs(JSON.stringify({}), { ready: { value: 'yes', sensitive: false } }, [{ output: 'ready', matches: '^yes$' }])).toEqual([]);
  });
});
