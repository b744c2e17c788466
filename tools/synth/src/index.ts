export * from './load-definition';
export * from './synth-command';
export * from './synth-stack';
export * from './write-output';
export * from './synth-in-parallel';
export * from './environment-guardrails';
export * from './synth-through-nx';
