#!/usr/bin/env node
// The `bosun` command: runs the TypeScript sources directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
// `bosun serve` needs Node flags that only apply at start-up: it may start itself again with them (see relaunch.ts).
const { relaunchServeWithNodeFlags } = await import('../workers/relaunch.ts');
if (!relaunchServeWithNodeFlags()) await import('../workers/cli.ts');
