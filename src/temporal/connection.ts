/** One way to reach Temporal: a client for the configured address, with an error a person can act on. */
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { UserError } from '../errors';

export class TemporalUnreachableError extends UserError {
  override name = 'TemporalUnreachableError';
}

export async function connectTemporal(cfg: Config['temporal']): Promise<{ client: Client; connection: Connection }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: cfg.address, connectTimeout: 5000 });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new TemporalUnreachableError(
      `Temporal is not reachable at ${cfg.address} (TEMPORAL_ADDRESS): ${(err as Error).message.split('\n')[0]}. ` +
        `Start the local stack with \`npx bosun dev\`, or set TEMPORAL_ADDRESS to your Temporal frontend.`,
    );
  }
  return { client: new Client({ connection, namespace: cfg.namespace }), connection };
}
