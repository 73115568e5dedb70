// ad-hoc: measure one server kind
import http from 'node:http';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
const kind = process.argv[2];
const child = fork('/work/main/bench/serving.ts', ['--serve', kind], { execArgv: ['--import', import.meta.resolve('tsx')] });
const port: number = await new Promise((r) => child.once('message', (m: any) => r(m.port)));
const lines = readFileSync('/work/main/data/breast_cancer.csv', 'utf8').trim().split('\n');
const head = lines[0].split(',');
const bodies = lines.slice(1, 51).map((l) => { const v = l.split(','); const o: any = {}; head.forEach((h, i) => { if (h !== 'diagnosis') o[h] = Number(v[i]); }); return Buffer.from(JSON.stringify({ instances: [o] })); });
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
let errors = 0;
function post(body: Buffer) { return new Promise<void>((res) => { const q = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/models/bench:predict', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (r) => { if (r.statusCode !== 200) errors++; r.resume(); r.on('end', res); }); q.end(body); }); }
async function run(ms: number) { const end = performance.now() + ms; let n = 0; const t0 = performance.now(); await Promise.all(Array.from({ length: 32 }, async (_, c) => { for (let i = c; performance.now() < end; i += 32) { await post(bodies[i % 50]); n++; } })); return n / ((performance.now() - t0) / 1000); }
await run(1000);
if (process.env.PROF) child.send({ profile: 'start' });
const cpu = () => new Promise<number>((r) => { child.once('message', (m: any) => r(m.cpuMs)); child.send({ cpu: true }); });
const s0 = await cpu();
const { spawn } = await import('node:child_process');
const st = process.env.STRACE ? spawn('strace', ['-c', '-f', '-p', String(child.pid), '-o', `/tmp/st.${kind}`]) : null;
if (st) await new Promise((r) => setTimeout(r, 300));
const c0 = process.cpuUsage();
const rps = await run(Number(process.env.SECS ?? 4) * 1000);
const cu = process.cpuUsage(c0);
const s1 = await cpu();
if (st) { st.kill('SIGINT'); await new Promise((r) => st.once('exit', r)); }
console.log('server cpu per request', ((s1 - s0) * 1000 / (rps * Number(process.env.SECS ?? 4))).toFixed(1), 'us; server cores', ((s1 - s0) / (Number(process.env.SECS ?? 4) * 1000)).toFixed(2));
console.log(kind, Math.round(rps), 'rps; client cpu', ((cu.user + cu.system) / 1000 / (Number(process.env.SECS ?? 4) * 1000)).toFixed(2), 'cores; errors', errors);
if (process.env.PROF) { child.send({ profile: 'stop' }); await new Promise((r) => child.once('message', r)); }
child.send({ stop: true });
