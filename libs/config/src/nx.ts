// What a command needs to start Nx before it loads anything else (these modules import only node
// builtins): `@platform/config/nx`, apart from the package's index and its parsers.
export { nxChildEnvironment } from './child-environment';
export { nxCommand } from './nx-command';
export { findEstateRoot } from './workspace-root';
