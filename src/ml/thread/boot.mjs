// Worker-thread bootstrap: lets the thread load Bosun's TypeScript modules, as bin/bosun.mjs does for the CLI.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
