import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { lastJsonLineOfScript } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/*
 * Checked in a process of its own, as a `platform` command starts: the unit tests share their
 * modules across files (vitest.config.mts), so another file may have loaded an SDK already.
 */
describe('the store and its SDKs', () => {
  it('loads neither the S3 nor the Cloud Storage SDK until a store of that kind is made', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const require = createRequire(process.cwd() + '/tools/store/src/');",
      'const loaded = (specifier) => require.cache[require.resolve(specifier)] !== undefined;',
      "const store = await import('@platform/store');",
      "const seen = { start: [loaded('@aws-sdk/client-s3'), loaded('@google-cloud/storage')] };",
      "new store.S3Store({ client: store.s3ClientFromEnvironment({}), bucket: 'artifacts' });",
      "seen.s3 = [loaded('@aws-sdk/client-s3'), loaded('@google-cloud/storage')];",
      "new store.GcsStore({ bucket: 'artifacts', apiEndpoint: 'http://127.0.0.1:9' });",
      "seen.gcs = [loaded('@aws-sdk/client-s3'), loaded('@google-cloud/storage')];",
      'console.log(JSON.stringify(seen));',
    ].join('\n');
    expect(lastJsonLineOfScript(WORKSPACE, script)).toEqual({ start: [false, false], s3: [true, false], gcs: [true, true] });
  }, 30_000);
});
