export { artifactSourcePaths, buildArtifact, LOCK_FILE, uncommittedSources, manifestBytes, sha256Hex, type Artifact, type ArtifactToolchain, type BuildArtifactOptions } from './build';
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
