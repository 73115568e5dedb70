/**
 * The real-time serving process: answers predictions over HTTP on BOSUN_SERVE_PORT for every model with a production
 * version, following the registry (promotions, rollbacks, canaries) without restarts. Start it with `npx bosun serve`.
 *
 * SIGINT/SIGTERM stop it gracefully: no new connections, in-flight requests finish, the prediction log is flushed,
 * then the database closes. A second signal, or 30 s without finishing, exits at once. So does the end of the
 * parent's IPC channel when `bosun serve` started itself again with its Node flags (workers/relaunch.ts) and that
 * parent is gone.
 */
import { openApp } from '../src/app';
import { ConfigError, loadConfig } from '../src/config';
import { buildServingApp } from '../src/serving/app';

const SHUTDOWN_TIMEOUT_MS = 30_000;
/**
 * A repeat of the stop signal this soon is the same stop delivered twice (a supervisor that signals every process
 * of a cgroup, as systemd does, reaches the relaunched child directly and through its parent), not "stop now".
 */
const REPEAT_IGNORED_MS = 1_000;

export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const deps = await openApp(config);
  const app = buildServingApp({ db: deps.db, store: deps.store, config });
  try {
    await app.listen({ port: config.serve.port, host: '0.0.0.0' });
  } catch (err) {
    await app.close().catch(() => {});
    await deps.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConfigError(`BOSUN_SERVE_PORT=${config.serve.port}: the port is in use; stop the other process or choose another port`);
    throw err;
  }
  const served = app.serving.cache.served();
  console.log(
    `bosun serve: listening on :${config.serve.port} (pid ${process.pid}; ${served.length ? `models: ${served.join(', ')}` : 'no model in production yet'}; ` +
      `auth ${config.serve.token ? 'on' : 'off'}; artifacts ${deps.store.location}; node flags ${process.execArgv.filter((f) => f.startsWith('--')).join(' ') || 'none'})`,
  );

  await new Promise<void>((resolve) => {
    let stoppingSince = 0;
    const stop = (signal: NodeJS.Signals | 'parent gone') => {
      if (stoppingSince) {
        if (performance.now() - stoppingSince < REPEAT_IGNORED_MS || signal === 'parent gone') return;
        console.error(`bosun serve: ${signal} again, exiting now`);
        process.exit(1);
      }
      stoppingSince = performance.now();
      console.log(`bosun serve: ${signal}, finishing in-flight requests and flushing the prediction log`);
      const force = setTimeout(() => {
        console.error(`bosun serve: shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s, exiting`);
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      app
        .close()
        .then(() => {
          // The last flush could not write everything (the database is down): say how much was lost, never silently.
          const { dropped, written } = app.serving.log;
          if (dropped > 0) console.error(`bosun serve: prediction log: ${written} records written, ${dropped} dropped since start (queue full or database unavailable)`);
        })
        .then(() => deps.close())
        .catch((err: Error) => console.error(`bosun serve: error while shutting down: ${err.message}`))
        .finally(() => {
          clearTimeout(force);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.disconnect?.();
          resolve();
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (process.connected) process.once('disconnect', () => stop('parent gone'));
  });
}
