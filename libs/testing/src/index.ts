export { cdktfMatchers, type ResourceType } from './matchers';
export { parseSynthesized, synthesize, synthesizeScope, type Synthesized } from './synthesized';
