import { createRequire } from 'node:module';

/**
 * The oldest engine the platform deploys with: OpenTofu is pinned newer, and Terraform is
 * accepted from 1.7 (tools/engine checks the real engine's version before every run).
 */
export const OLDEST_SUPPORTED_ENGINE = '1.7.0';

const cdktfUtil = createRequire(import.meta.url)('cdktf/lib/util') as { terraformBinaryName: string };

/**
 * cdktf checks some constructs (terraform_data, import and moved blocks) by running
 * `<TERRAFORM_BINARY_NAME or terraform> version` once per construct during synth. That binary
 * is not the engine the platform deploys with: synth would fail on a machine with no
 * `terraform` on PATH, pass with an old one the platform never runs, and start a process per
 * construct. Those checks are answered with the oldest engine the platform supports instead,
 * so they hold for every engine a deploy can use.
 */
export function answerEngineVersionChecks(): void {
  cdktfUtil.terraformBinaryName = `echo ${OLDEST_SUPPORTED_ENGINE} #`;
}
