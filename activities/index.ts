/** Placeholder replaced below once stage modules land. */
export type PipelineActivities = Record<string, (...args: any[]) => Promise<any>>;
