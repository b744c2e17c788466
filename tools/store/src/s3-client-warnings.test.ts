import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

describe('an S3 client on a supported Node', () => {
  // The AWS SDK's NodeVersionSupportWarning is about its own future releases, not this repository's Node.
  it('is made without the AWS SDK warning that later SDK releases will need Node 22', () => {
    const script = "import { s3ClientFromEnvironment } from './tools/store/src/s3-store.ts'; s3ClientFromEnvironment({}).destroy();";
    const env = { ...process.env };
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: WORKSPACE, encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/Warning/);
  });
});
