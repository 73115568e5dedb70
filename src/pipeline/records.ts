/** Small idempotent writes shared by the stages: artifact index rows and lineage edges. */
import type { Db } from '../db/client';
import { artifacts, lineageEdges } from '../db/schema';
import type { ArtifactRef } from '../storage';

export async function indexArtifact(db: Db, ref: ArtifactRef, kind: string, mediaType: string): Promise<void> {
  await db.insert(artifacts).values({ hash: ref.hash, size: ref.size, kind, mediaType }).onConflictDoNothing();
}

export async function link(db: Db, from: [string, string | number], to: [string, string | number], relation: string): Promise<void> {
  await db
    .insert(lineageEdges)
    .values({ fromKind: from[0], fromId: String(from[1]), toKind: to[0], toId: String(to[1]), relation })
    .onConflictDoNothing();
}
