/**
 * Webhook notifications (Slack-compatible JSON: {"text": …}) for approval pending, drift and automatic
 * rollback. Set BOSUN_WEBHOOK_URL to enable; unset, events are only logged. Delivery is retried by the
 * activity's retry policy, so a flaky endpoint does not lose the message.
 */
import type { StepContext } from '../contract/types';
import type { StageDeps } from '../pipeline/deps';

export async function notify(deps: StageDeps, ctx: Pick<StepContext, 'runId' | 'pipeline'>, event: string, message: string): Promise<{ delivered: boolean }> {
  const url = deps.config.webhookUrl;
  const text = `[bosun] ${event}: ${message}`;
  if (!url) {
    console.log(text);
    return { delivered: false };
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, event, runId: ctx.runId, pipeline: ctx.pipeline }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`webhook ${new URL(url).host} answered HTTP ${res.status} for ${event}`);
  return { delivered: true };
}
