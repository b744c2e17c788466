export { buildArtifact, LOCK_FILE, manifestBytes, sha256Hex, type Artifact, type ArtifactToolchain, type BuildArtifactOptions } from './build';
export { canonicalJson, manifestSchema, parseManifest, type ArtifactManifest } from './manifest';
export {
  blobKey,
  fetchArtifact,
  ImmutableVersionError,
  listVersions,
  manifestKey,
  publishArtifact,
  TamperedArtifactError,
  UnknownVersionError,
  type PublishResult,
} from './publish';
