/** The Temporal CLI dev server, started for real (SQLite file for state, Web UI on its port). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contract/searchAttributes';
import { exitOf, spawnService, stopProcess, type Service } from './process';

export interface TemporalServerOptions {
  binary: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server (tests). */
  dbFile?: string;
  namespace?: string;
  logFile: string;
  ip?: string;
  /** Stop the server if this process dies, even by SIGKILL (bosun dev; see SpawnOptions.dieWithParent). */
  dieWithParent?: boolean;
}

export interface TemporalService extends Service {
  address: string;
  uiUrl: string;
  pid: number;
  /** Resolves with how the server ended ("SIGKILL", "code 1"), whether stopped or crashed. */
  exited: Promise<string>;
}

export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalService> {
  const ip = o.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(o.port), '--ui-port', String(o.uiPort), '--log-level', 'warn'];
  if (o.dbFile) {
    mkdirSync(path.dirname(o.dbFile), { recursive: true });
    args.push('--db-filename', o.dbFile);
  }
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${searchAttributeTypeName(key.type)}`);
  // Let a run with many fast activities proceed without the dev server's default rate limits getting in the way.
  args.push('--dynamic-config-value', 'frontend.namespaceRPS=10000');
  // Bosun's payloads are references and small decisions; refuse anything bigger than 256 KB at the frontend,
  // so no client can push megabytes into a run's history (a signal flood would otherwise make one workflow
  // task too big to deliver). Production: set the same limit.blobSize.* in the server's dynamic config.
  args.push('--dynamic-config-value', 'limit.blobSize.error=262144', '--dynamic-config-value', 'limit.blobSize.warn=65536');
  const address = `${ip}:${o.port}`;
  const child = await spawnService({
    name: 'Temporal dev server',
    command: o.binary,
    args,
    logFile: o.logFile,
    ready: () => temporalReady(address),
    timeoutMs: 90_000,
    dieWithParent: o.dieWithParent,
  });
  return {
    name: 'temporal',
    address,
    url: address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${o.uiPort}`,
    pid: child.pid!,
    exited: exitOf(child),
    stop: () => stopProcess(child),
  };
}

async function temporalReady(address: string): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await conn.workflowService.getSystemInfo({});
    return true;
  } finally {
    await conn.close();
  }
}

function searchAttributeTypeName(type: string): string {
  // SearchAttributeType values are upper-case ('KEYWORD'); the CLI wants 'Keyword'.
  const names: Record<string, string> = {
    TEXT: 'Text',
    KEYWORD: 'Keyword',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  return names[type] ?? type;
}
