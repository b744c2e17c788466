import type { Command } from 'commander';
import { registerPipelineApply } from './pipeline-apply';
import { registerPipelinePlan } from './pipeline-plan';
import { registerPipelinePromote } from './pipeline-promote';

/** `platform pipeline <step>`: each step of the workflows is one command (docs/how-to/ship-a-change.md). */
export function registerPipeline(program: Command): void {
  const pipeline = program.command('pipeline').description('The steps of the delivery workflows: plan a pull request, apply it at merge, promote what waits.');
  registerPipelinePlan(pipeline);
  registerPipelineApply(pipeline);
  registerPipelinePromote(pipeline);
}
