export { buildArtifact, manifestBytes, sha256Hex, type Artifact } from './build';
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
