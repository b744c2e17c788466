import { describe, expect, it } from 'vitest';
import { DRILL_RUN_SUFFIX_ENV, drillRunSuffixEnv, OFFLINE_ENGINE_ENV } from './stack-engine';

const where = { stack: 'security', environment: 'drill' };
const declaring = JSON.stringify({ variable: { drill_run_suffix: { type: 'string' } }, resource: {} });

describe('the drill run suffix an engine run gets', () => {
  it('gives none to a configuration that does not declare the variable (every non-drill environment)', () => {
    expect(drillRunSuffixEnv(JSON.stringify({ resource: {} }), where, undefined, {})).toEqual({});
  });

  it("passes the drill's own suffix, before anything the shell sets", () => {
    expect(drillRunSuffixEnv(declaring, where, 'a1b2c3', { [DRILL_RUN_SUFFIX_ENV]: 'ffffff' })).toEqual({ TF_VAR_drill_run_suffix: 'a1b2c3' });
  });

  it('takes PLATFORM_DRILL_RUN_SUFFIX for a command run by hand', () => {
    expect(drillRunSuffixEnv(declaring, where, undefined, { [DRILL_RUN_SUFFIX_ENV]: ' 0a0b0c ' })).toEqual({ TF_VAR_drill_run_suffix: '0a0b0c' });
  });

  it('refuses to run without a suffix, naming the stack, the environment and where to find it', () => {
    expect(() => drillRunSuffixEnv(declaring, where, undefined, {})).toThrow(
      /stack 'security' names resources .* in environment 'drill': run it through 'npm run drill', or set PLATFORM_DRILL_RUN_SUFFIX .*'nameSuffix' in its report/,
    );
  });

  it.each(['ABCDEF', 'abc', 'a1b2c3d', 'a1b2c3 && rm -rf /'])('refuses the malformed suffix %j', (value) => {
    expect(() => drillRunSuffixEnv(declaring, where, undefined, { [DRILL_RUN_SUFFIX_ENV]: value })).toThrow(/PLATFORM_DRILL_RUN_SUFFIX must be six hex digits/);
  });

  it('plans offline with a placeholder suffix, since an offline plan creates nothing', () => {
    expect(OFFLINE_ENGINE_ENV.TF_VAR_drill_run_suffix).toMatch(/^[0-9a-f]{6}$/);
  });
});
