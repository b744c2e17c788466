export {
  createDependencies,
  createNodes,
  createNodesV2,
  normalizeOptions,
  type PlatformPluginOptions,
} from './plugin';
