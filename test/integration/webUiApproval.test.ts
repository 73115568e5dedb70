/**
 * An approver's path through the real Temporal Web UI (the dev server's), in Debian's Chromium: filter to
 * runs awaiting approval, open the run, send `approve` with "Send a Signal", and the run deploys.
 * `BOSUN_UPDATE_SCREENSHOTS=1` also rewrites the README's screenshots (docs/images/approver-*.png).
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals } from '../../src/db/schema';
import type { PipelineSpecInput } from '../../src/pipeline/spec';
import { MESSAGE_DESCRIPTIONS, statusQuery } from '../../src/contract/messages';
import { docScreenshot, launchChromium, withFailureScreenshot } from './support/browser';
import { breastCancerSpec, startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const AWAITING = 'BosunStage = "awaiting_approval"';
const UI_TIMEOUT = 45_000;

const breastCancer = (name: string): PipelineSpecInput => breastCancerSpec(name, { approvers: ['ui-approver'], required: 1 });

describe.skipIf(!stack().temporalUiUrl)('approving a run in the Temporal Web UI', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness({ postgres: false }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('filters to runs awaiting approval, sends approve through "Send a Signal", and the run deploys', { timeout: 300_000 }, async () => {
    const handle = await h.submit(breastCancer(uniqueName('bc-ui')));
    // A run that is not waiting (auto-approved, finished): the filtered list must leave it out.
    const other = await h.submit({ ...breastCancer(uniqueName('bc-ui-auto')), approval: { autoApprove: true } });
    const waiting = await h.waitForStage(handle, 'awaiting_approval');
    expect(await other.result()).toMatchObject({ status: 'succeeded', deployed: true });
    const candidate = String((waiting.evidence as { candidateVersion: number }).candidateVersion);

    // Visibility is updated asynchronously: wait until the server's own list agrees before asking the UI.
    await expect
      .poll(
        async () => {
          const ids: string[] = [];
          for await (const wf of h.client.workflow.list({ query: AWAITING })) ids.push(wf.workflowId);
          return ids.includes(handle.workflowId) && !ids.includes(other.workflowId);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);

    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.setDefaultNavigationTimeout(60_000);
    const ui = stack().temporalUiUrl;

    await withFailureScreenshot(page, 'webui-approval', async () => {
      // 1. The workflows list, filtered by the query an approver types.
      await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(AWAITING)}`);
      const runLink = page.getByRole('link', { name: handle.workflowId, exact: true });
      await runLink.waitFor({ state: 'visible' });
      expect(await page.getByRole('link', { name: other.workflowId, exact: true }).count()).toBe(0);
      await docScreenshot(page, 'approver-1-pending');

      // 2. Open the run; More Actions → Send a Signal. The UI lists the workflow's signals with their descriptions.
      await runLink.click();
      await page.getByRole('heading', { level: 1, name: handle.workflowId }).waitFor();
      await page.getByRole('button', { name: 'More Actions' }).click();
      await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
      const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
      await dialog.waitFor({ state: 'visible' });
      await dialog.getByTestId('signal-select-button').click();
      const approveOption = dialog.getByRole('option', { name: /^\s*approve\b/ });
      await approveOption.waitFor({ state: 'visible' });
      expect(await approveOption.textContent()).toContain(MESSAGE_DESCRIPTIONS.approve);
      await approveOption.click();
      expect(await dialog.getByTestId('signal-select').inputValue()).toBe('approve');

      const input = `{"reviewer": "ui-approver", "comment": "approved in the Web UI", "modelVersion": "${candidate}"}`;
      const data = dialog.locator('[role="textbox"][contenteditable="true"]'); // the Data field's JSON editor
      await data.fill(input);
      expect(JSON.parse((await data.textContent()) ?? '')).toEqual(JSON.parse(input));
      await docScreenshot(page, 'approver-2-signal');

      // 3. Submit: the UI confirms, the run deploys, and the page shows it completed with its result.
      await dialog.getByRole('button', { name: 'Submit' }).click();
      await page.getByText('Workflow signaled.').waitFor({ state: 'visible' });
      await dialog.waitFor({ state: 'hidden' });
    });

    const result = await handle.result();
    expect(result).toEqual({ status: 'succeeded', modelVersion: Number(candidate), deployed: true });

    await withFailureScreenshot(page, 'webui-approval-done', async () => {
      await page.getByText('Completed', { exact: true }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await page.getByText('"deployed": true').first().waitFor({ state: 'visible' });
      await docScreenshot(page, 'approver-3-done');
    });
    await page.close();

    // The UI's signal is the only one the run got, and the audit accepted it.
    const history = await handle.fetchHistory();
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => e.workflowExecutionSignaledEventAttributes!.signalName);
    expect(signals).toEqual(['approve']);
    const status = await handle.query(statusQuery);
    expect(status.approval?.outcome).toBe('approved');
    expect(status.approval?.decisions).toEqual([
      expect.objectContaining({ decision: 'approve', reviewer: 'ui-approver', comment: 'approved in the Web UI', accepted: true, reason: expect.stringMatching(/^approval 1 of 1 required/) }),
    ]);
    const audit = await h.app.db.select().from(approvals).where(eq(approvals.runId, handle.workflowId));
    expect(audit.map((a) => [a.reviewer, a.modelVersion, a.accepted])).toEqual([['ui-approver', candidate, true]]);
  });
});
