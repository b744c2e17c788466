import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findWorkspaceRoot } from '@platform/config';

/**
 * The workflows reach Google Cloud through workload identity federation (stacks/ci-identity), never
 * with a service account key. actionlint checks their syntax and action inputs
 * (workflows.integration.test.ts); this checks how they authenticate.
 */

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const DIR = join(WORKSPACE, '.github/workflows');

interface Step {
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly environment?: string;
  readonly steps: readonly Step[];
  readonly env?: Record<string, unknown>;
}
interface Workflow {
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const workflows = files.map((name) => {
  const text = readFileSync(join(DIR, name), 'utf8');
  return [name, text, parse(text) as Workflow] as const;
});
const authSteps = (job: Job) => job.steps.filter((step) => step.uses?.startsWith('google-github-actions/auth@'));

describe('how the workflows authenticate to Google Cloud', () => {
  it.each(workflows)('%s holds no service account key and no credentials secret', (_name, text) => {
    expect(text).not.toMatch(/GOOGLE_APPLICATION_CREDENTIALS:/);
    expect(text).not.toMatch(/secrets\.GCP_/);
    expect(text).not.toMatch(/credentials_json/);
  });

  it.each(workflows)('%s authenticates only with workload identity federation, from GitHub variables', (_name, _text, workflow) => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of authSteps(job)) {
        expect(step.uses).toBe('google-github-actions/auth@v2');
        expect(step.with).toMatchObject({
          workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
          service_account: expect.stringMatching(/^\$\{\{ vars\.GCP_(PLAN|DEPLOY)_SERVICE_ACCOUNT \}\}$/),
        });
      }
    }
  });

  it.each(workflows.filter(([, , w]) => Object.values(w.jobs).some((job) => authSteps(job).length > 0)))(
    '%s may request an OIDC token (id-token: write)',
    (_name, _text, workflow) => {
      expect(workflow.permissions).toMatchObject({ 'id-token': 'write' });
    },
  );

  it('deploys only from jobs that run in a GitHub environment, or from main', () => {
    const deployers: string[] = [];
    for (const [name, , workflow] of workflows) {
      for (const [jobName, job] of Object.entries(workflow.jobs)) {
        if (!authSteps(job).some((step) => String(step.with?.service_account).includes('DEPLOY'))) continue;
        deployers.push(`${name}:${jobName}:${job.environment ?? 'no environment'}`);
      }
    }
    // main.yml's fill-cache runs on pushes to main only: dev's deploy account admits refs/heads/main.
    expect(deployers.sort()).toEqual([
      'drill.yml:drill:drill',
      'main.yml:deliver-dev:dev',
      'main.yml:fill-cache:no environment',
      'promote.yml:prod:prod',
      'promote.yml:rollback:${{ inputs.environment }}',
      'promote.yml:staging:staging',
    ].sort());
  });

  it('gives the checks of a pull request and of main credentials for the cache server only', () => {
    const jobs = [
      workflows.find(([name]) => name === 'pull-request.yml')![2].jobs.checks!,
      workflows.find(([name]) => name === 'main.yml')![2].jobs['fill-cache']!,
    ];
    for (const job of jobs) {
      const [auth] = authSteps(job);
      expect(auth?.with).toMatchObject({ export_environment_variables: false });
      const cache = job.steps.find((step) => step.uses === './.github/actions/nx-cache');
      expect(cache?.with).toMatchObject({ credentials: `\${{ steps.${auth!.id}.outputs.credentials_file_path }}` });
    }
  });
});
