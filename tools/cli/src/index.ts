export { runSynth } from './synth/synth-command';
export { sha256, synthesizeAllEnvironments, type StackSynthOutcome, type StackSynthReport } from './synth/synth-stack';
export { listStacks, readStackManifest, synthOutputDir } from './workspace';
