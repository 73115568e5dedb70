/**
 * Which version answers for each model, kept in step with the registry without restarts.
 *
 * A poller reads the registry's routing for every served model (default every second). Versions are loaded from the
 * artifact store once and kept by model_versions.id while routing points at them. When routing changes, the new
 * versions are loaded first and only then does the cache swap, by replacing one immutable map with another: a
 * request reads its slot once and finishes on the versions it found, and no request ever finds a model without a
 * version (a version that fails to load leaves the previous one answering, and is retried with backoff).
 */
import type { Db } from '../db/client';
import { servedRoutings, type ModelVersion } from '../registry/registry';
import type { ArtifactStore } from '../storage';
import { publicMessage } from './errors';
import { loadServedVersion, type ServedVersion } from './servedVersion';

export interface Challenger {
  readonly version: ServedVersion;
  readonly strategy: 'canary' | 'shadow';
  readonly trafficPercent: number;
  readonly deploymentId: number;
}

/** What a request reads: one model's versions at one moment. Never mutated; the cache replaces it. */
export interface ModelSlot {
  readonly name: string;
  readonly production: ServedVersion;
  readonly challenger: Challenger | null;
}

export interface ModelCacheEvents {
  onLoad?(modelName: string, version: number, outcome: 'ok' | 'failed', detail: string | null): void;
  /** The production version changed (from null: the model appeared). */
  onSwap?(modelName: string, from: number | null, to: number): void;
  onChallenger?(modelName: string, challenger: Challenger | null): void;
  /**
   * A poll failed as a whole (the database is unreachable); the cache keeps serving what it has. `repeated` when the
   * previous poll failed with the same message (so a log line per outage, not per second, is enough).
   */
  onPollError?(err: Error, repeated: boolean): void;
}

export interface ModelCacheOptions extends ModelCacheEvents {
  db: Db;
  store: ArtifactStore;
  /** Time between registry polls. Default 1000 ms. */
  pollMs?: number;
  /** Version loader (default: from the artifact store); tests may substitute. */
  load?: (row: ModelVersion) => Promise<ServedVersion>;
}

/** Longest wait before retrying a version that failed to load. */
const MAX_RETRY_MS = 30_000;

export class ModelCache {
  private slots: ReadonlyMap<string, ModelSlot> = new Map();
  /** Served models whose production version could not be loaded, with why. */
  private failures: ReadonlyMap<string, string> = new Map();
  private readonly loaded = new Map<number, Promise<ServedVersion>>();
  private readonly failed = new Map<number, { retryAt: number; attempts: number; error: Error }>();
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** True once a poll has completed: before that, no answer about what is served is trustworthy. */
  initialized = false;
  lastPollError: Error | null = null;
  readonly pollMs: number;

  constructor(private readonly o: ModelCacheOptions) {
    this.pollMs = o.pollMs ?? 1000;
  }

  /** The slot answering for `name` right now (one map read: the hot path). */
  get(name: string): ModelSlot | undefined {
    return this.slots.get(name);
  }

  /** Names of the models this process answers for, sorted. */
  served(): string[] {
    return [...this.slots.keys()].sort();
  }

  /** Models the registry serves that have no loaded version here, with the reason (what /readyz reports). */
  problems(): ReadonlyMap<string, string> {
    return this.failures;
  }

  /** Loads what is served now (waits for it), then keeps polling until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.refresh();
    } finally {
      this.schedule();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh()
        .catch(() => {}) // reported through onPollError in refresh
        .finally(() => this.schedule());
    }, this.pollMs);
    // The HTTP server keeps a serving process alive; the poller alone must not keep a test or CLI from exiting.
    this.timer.unref();
  }

  /**
   * Reads the registry once and swaps in what it says. Calls overlapping a running poll wait for it and then poll
   * again, so a caller that just changed the registry always sees its change applied when this resolves.
   */
  async refresh(): Promise<void> {
    while (this.refreshing) await this.refreshing.catch(() => {});
    this.refreshing = this.poll().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async poll(): Promise<void> {
    let routings;
    try {
      routings = await servedRoutings(this.o.db);
    } catch (err) {
      const repeated = this.lastPollError?.message === (err as Error).message;
      this.lastPollError = err as Error;
      this.o.onPollError?.(err as Error, repeated);
      throw err;
    }
    this.lastPollError = null;
    const next = new Map<string, ModelSlot>();
    const failures = new Map<string, string>();
    await Promise.all(
      routings.map(async (routing) => {
        const name = routing.modelName;
        const current = this.slots.get(name);
        if (!routing.production) return; // the alias went away between the two queries
        let production: ServedVersion;
        try {
          production = await this.version(routing.production);
        } catch (err) {
          // Shown on /readyz and in 503s: the driver's one line, never a failed query's SQL (onLoad logs it all).
          failures.set(name, `v${routing.production.version} cannot be loaded: ${publicMessage(err)}`);
          if (current) next.set(name, current); // keep answering with what we had
          return;
        }
        let challenger: Challenger | null = null;
        if (routing.challenger) {
          try {
            const { strategy, trafficPercent, deploymentId } = routing.challenger;
            challenger = { version: await this.version(routing.challenger.version), strategy, trafficPercent, deploymentId };
          } catch {
            // Reported by onLoad; production answers alone until the challenger loads.
          }
        }
        next.set(name, sameSlot(current, production, challenger) ? current! : { name, production, challenger });
      }),
    );
    const previous = this.slots;
    this.slots = next; // the swap: one reference
    this.failures = failures;
    this.initialized = true;
    for (const [name, slot] of next) {
      const before = previous.get(name);
      if (before === slot) continue;
      if (before?.production !== slot.production) this.o.onSwap?.(name, before?.production.version ?? null, slot.production.version);
      if (!sameChallenger(before?.challenger ?? null, slot.challenger)) this.o.onChallenger?.(name, slot.challenger);
    }
    this.evictUnused();
  }

  /** The loaded version for a registry row: loaded once, shared by concurrent callers, failures retried with backoff. */
  private version(row: ModelVersion): Promise<ServedVersion> {
    const cached = this.loaded.get(row.id);
    if (cached) return cached;
    const failure = this.failed.get(row.id);
    if (failure && Date.now() < failure.retryAt) return Promise.reject(failure.error);
    const loading = (this.o.load ?? ((r: ModelVersion) => loadServedVersion(this.o.db, this.o.store, r)))(row).then(
      (v) => {
        this.failed.delete(row.id);
        this.o.onLoad?.(row.modelName, row.version, 'ok', null);
        return v;
      },
      (err: Error) => {
        this.loaded.delete(row.id);
        const attempts = (failure?.attempts ?? 0) + 1;
        this.failed.set(row.id, { retryAt: Date.now() + Math.min(MAX_RETRY_MS, this.pollMs * 2 ** attempts), attempts, error: err });
        this.o.onLoad?.(row.modelName, row.version, 'failed', err.message);
        throw err;
      },
    );
    this.loaded.set(row.id, loading);
    return loading;
  }

  /** Forgets versions no slot uses (requests still holding one keep it alive until they finish). */
  private evictUnused(): void {
    const used = new Set<number>();
    for (const slot of this.slots.values()) {
      used.add(slot.production.id);
      if (slot.challenger) used.add(slot.challenger.version.id);
    }
    for (const id of this.loaded.keys()) if (!used.has(id)) this.loaded.delete(id);
  }
}

function sameChallenger(a: Challenger | null, b: Challenger | null): boolean {
  if (a === null || b === null) return a === b;
  return a.version === b.version && a.strategy === b.strategy && a.trafficPercent === b.trafficPercent && a.deploymentId === b.deploymentId;
}

function sameSlot(current: ModelSlot | undefined, production: ServedVersion, challenger: Challenger | null): boolean {
  return current !== undefined && current.production === production && sameChallenger(current.challenger, challenger);
}
