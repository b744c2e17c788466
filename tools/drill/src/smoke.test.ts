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
});
