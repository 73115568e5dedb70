/** A no-op activity for measuring orchestration overhead (npm run bench). */
export async function noop(n: number): Promise<number> {
  return n + 1;
}

export type NoopActivities = { noop: typeof noop };
