/**
 * Reads a pipeline definition (pipelines/<name>.ts exporting `definePipeline(...)` as default, or a JSON
 * file), validates it, and turns local data paths into uploaded artifacts so any worker can read them.
 *
 * A pipeline file is user code run at submit: whatever goes wrong in it (a syntax error, a throw at import,
 * a promise it rejects later, an import that never finishes) is reported as one PipelineFileError naming
 * the file and line, never as a Node stack.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../errors';
import type { ArtifactStore } from '../storage';
import { uploadIfLocal } from '../storage/localUpload';
import { prepareOnnxModel } from './onnxModel';
import { parsePipelineSpec, type PipelineSpec, type PipelineSpecInput } from './spec';
import { withStepCodeHashes } from './userSteps/codeHash';

/** A pipeline file that cannot be loaded: a user error, which the CLI prints as the one line it is. */
export class PipelineFileError extends UserError {}

export const IMPORT_TIMEOUT_ENV = 'BOSUN_PIPELINE_IMPORT_TIMEOUT';
const DEFAULT_IMPORT_TIMEOUT_S = 30;

/** Seconds a pipeline file may take to import (BOSUN_PIPELINE_IMPORT_TIMEOUT, default 30). */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[IMPORT_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_IMPORT_TIMEOUT_S * 1000;
  const s = Number(raw);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || !(s > 0)) {
    throw new PipelineFileError(`${IMPORT_TIMEOUT_ENV}=${JSON.stringify(raw)}: expected a number of seconds greater than 0, e.g. 30`);
  }
  return s * 1000;
}

export async function readPipelineFile(file: string, o: { timeoutMs?: number } = {}): Promise<PipelineSpecInput> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new PipelineFileError(`pipeline file ${file} not found`);
  if (statSync(abs).isDirectory()) throw new PipelineFileError(`pipeline file ${file} is a directory; name the .ts file that exports the pipeline, e.g. ${path.join(file, 'pipeline.ts')}`);
  if (abs.endsWith('.json')) return readJsonPipeline(file, abs);
  const mod = (await importPipeline(file, abs, o.timeoutMs ?? importTimeoutMs())) as { default?: PipelineSpecInput; pipeline?: PipelineSpecInput };
  const spec = mod.default ?? mod.pipeline;
  if (!spec || typeof spec !== 'object') throw new PipelineFileError(`${file} must export its pipeline: \`export default definePipeline({...})\``);
  return spec;
}

async function readJsonPipeline(file: string, abs: string): Promise<PipelineSpecInput> {
  const text = await readFile(abs, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? `:${lineOf(text, Number(pos[1]))}` : '';
    throw new PipelineFileError(`${file}${where}: invalid JSON: ${msg.replace(/^JSON\.parse: /, '')}`);
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Imports the file with a time bound, and turns every failure of the user's code into a PipelineFileError.
 * A rejection the file leaves unhandled is caught while the import runs and just after; one that comes later
 * still prints as one line (and ends the command, as an unhandled rejection would).
 */
async function importPipeline(file: string, abs: string, timeoutMs: number): Promise<unknown> {
  watchRejections();
  const importing: Importing = { abs };
  inFlight.add(importing);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PipelineFileError(
              `${file}: still importing after ${timeoutMs / 1000} s (a top-level await that never finishes, or slow work at import?); move that work out of the pipeline file, or raise ${IMPORT_TIMEOUT_ENV} (seconds)`,
            ),
          ),
        timeoutMs,
      );
    });
    let mod: unknown;
    try {
      mod = await Promise.race([import(pathToFileURL(abs).href), timeout]);
    } catch (err) {
      if (err instanceof PipelineFileError) throw err;
      throw describeImportFailure(file, abs, err);
    }
    // Rejections of promises the module created surface after a turn of the event loop.
    await new Promise((r) => setImmediate(r));
    if (importing.rejected) throw describeImportFailure(file, abs, importing.rejected.reason, UNHANDLED);
    return mod;
  } finally {
    clearTimeout(timer);
    inFlight.delete(importing);
    imported.set(abs, file);
  }
}

const UNHANDLED = 'a promise it created was rejected and never handled';

interface Importing {
  abs: string;
  rejected?: { reason: unknown };
}
/** Imports under way: a rejection from their code (or one with no stack to place it) fails the import. */
const inFlight = new Set<Importing>();
/** Pipeline files this process has imported: absolute path → the name the user gave. */
const imported = new Map<string, string>();
let watching = false;

/**
 * One process-wide listener. A rejection a pipeline file leaves unhandled fails its import if it comes while
 * importing, and later ends the process as Node would, but as the PipelineFileError naming file:line (the
 * CLI prints it as one line: reportUncaught in src/cli/output.ts). Any other rejection keeps Node's default,
 * which a listener would otherwise turn off.
 */
function watchRejections(): void {
  if (watching) return;
  watching = true;
  process.on('unhandledRejection', (reason) => {
    for (const i of inFlight) {
      if (!i.rejected && (userFrame(reason, i.abs) || framesOf(reason).length === 0)) {
        i.rejected = { reason };
        return;
      }
    }
    let uncaught = reason;
    for (const [abs, file] of imported) if (userFrame(reason, abs)) uncaught = describeImportFailure(file, abs, reason, UNHANDLED);
    if (uncaught !== reason || process.listenerCount('unhandledRejection') === 1) {
      process.nextTick(() => {
        throw uncaught;
      });
    }
  });
}

/** file:line and the cause, in one line. */
export function describeImportFailure(file: string, abs: string, err: unknown, context?: string): PipelineFileError {
  const e = err as { name?: string; message?: string; code?: string; stack?: string } | undefined;
  const message = String(e?.message ?? err).trim();
  // esbuild (tsx) syntax errors: "Transform failed with 1 error:\n/abs/file.ts:5:19: ERROR: Unexpected ","".
  const esbuild = /(\/[^\s:]+|[A-Za-z]:\\[^:]+):(\d+):(\d+): ERROR: (.+)/.exec(message);
  if (esbuild) return new PipelineFileError(`${shown(file, abs, esbuild[1])}:${esbuild[2]}:${esbuild[3]}: syntax error: ${esbuild[4]}`);
  // V8 syntax errors (plain .js/.mjs) put "file:line" on the first line of the stack.
  if (e?.name === 'SyntaxError' && e.stack) {
    const at = /^(file:\/\/\S+|\/\S+):(\d+)\s*$/m.exec(e.stack);
    if (at) return new PipelineFileError(`${shown(file, abs, at[1])}:${at[2]}: syntax error: ${message}`);
  }
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
    return new PipelineFileError(`${file}: ${firstLine(message)}`);
  }
  const frame = userFrame(err, abs) ?? firstOwnFrame(err);
  const where = frame ? `${shown(file, abs, frame.file)}:${frame.line}` : file;
  const what = e?.name && e.name !== 'Error' ? `${e.name}: ${firstLine(message)}` : firstLine(message);
  return new PipelineFileError(`${where}: ${context ?? 'failed while importing'}: ${what}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** The pipeline file as the user named it; another file by its path relative to the working directory. */
function shown(file: string, abs: string, found: string): string {
  const p = found.startsWith('file://') ? fileURLToPath(found) : found;
  return p === abs ? file : path.relative(process.cwd(), p) || p;
}

interface Frame {
  file: string;
  line: number;
}

function framesOf(err: unknown): Frame[] {
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  if (typeof stack !== 'string') return [];
  const out: Frame[] = [];
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^():\s]+|[A-Za-z]:\\[^():]+):(\d+):\d+\)?$/gm)) out.push({ file: m[1], line: Number(m[2]) });
  return out;
}

/** The top frame in the pipeline file itself. */
function userFrame(err: unknown, abs: string): Frame | undefined {
  return framesOf(err).find((f) => (f.file.startsWith('file://') ? fileURLToPath(f.file) : f.file) === abs);
}

/** Else the top frame that is not Node's or a dependency's (a helper module the pipeline imports). */
function firstOwnFrame(err: unknown): Frame | undefined {
  return framesOf(err).find((f) => !f.file.includes('/node_modules/') && !f.file.startsWith('node:'));
}

export interface PreparedSpec {
  raw: PipelineSpecInput;
  spec: PipelineSpec;
}

/**
 * Validates the spec and uploads a local source file (src/storage/localUpload.ts: a source path is relative
 * to the pipeline file, a --data path to the working directory, as a shell user means it), rewriting the
 * source to `artifact:sha256:<hash>#file://<absolute path>`.
 */
export async function prepareSpec(raw: PipelineSpecInput, o: { baseDir: string; store: ArtifactStore; dataOverride?: string }): Promise<PreparedSpec> {
  const prepared = await prepareSource(raw, o);
  // A model given as an ONNX file is uploaded and checked against the data's columns too (src/pipeline/onnxModel.ts).
  const withModel = await prepareOnnxModel(prepared.raw, prepared.spec, o);
  return withModel === prepared.raw ? prepared : { raw: withModel, spec: parsePipelineSpec(withModel) };
}

async function prepareSource(raw: PipelineSpecInput, o: { baseDir: string; store: ArtifactStore; dataOverride?: string }): Promise<PreparedSpec> {
  // The stored spec names each TypeScript step's code by hash: JSON has no functions.
  const withData = withStepCodeHashes(o.dataOverride ? { ...raw, source: o.dataOverride } : raw);
  const spec = parsePipelineSpec(withData);
  const src = spec.source;
  const uri = typeof src === 'string' ? src : 'uri' in src ? src.uri : null;
  if (!uri) return { raw: withData as PipelineSpecInput, spec };
  const uploaded = await uploadIfLocal(o.store, uri, o.dataOverride ? { field: '--data' } : { field: 'source', baseDir: o.baseDir });
  if (uploaded === uri) return { raw: withData as PipelineSpecInput, spec };
  const source = typeof src === 'string' ? uploaded : { ...src, uri: uploaded };
  const rawOut = { ...withData, source } as PipelineSpecInput;
  return { raw: rawOut, spec: parsePipelineSpec(rawOut) };
}
