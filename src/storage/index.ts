import type { ArtifactsConfig } from '../config';
import type { ArtifactStore } from './artifactStore';
import { FsArtifactStore } from './fsStore';
import { S3ArtifactStore } from './s3Store';

export * from './artifactStore';

/** The one way to get an artifact store: the filesystem by default, MinIO/S3 when configured. */
export async function openArtifactStore(cfg: ArtifactsConfig): Promise<ArtifactStore> {
  return cfg.kind === 'file' ? new FsArtifactStore(cfg.root) : S3ArtifactStore.open(cfg);
}
