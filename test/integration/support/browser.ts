/**
 * Debian's Chromium, driven by playwright-core, for tests that use a real web page (the Temporal Web UI).
 * playwright-core downloads no browser: `npm run setup` installs the `chromium` package.
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BOSUN_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run \`npm run setup\` (installs Debian's chromium) or set BOSUN_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 90_000 });
}

const IMAGES_DIR = path.resolve(import.meta.dirname, '../../../docs/images');

/** Writes docs/images/<name>.png, only when BOSUN_UPDATE_SCREENSHOTS=1 (so ordinary runs leave the tree clean). */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.BOSUN_UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(IMAGES_DIR, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** Runs `steps`; if they fail, saves what the page showed and adds its path to the error. */
export async function withFailureScreenshot<T>(page: Page, label: string, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (err) {
    const file = path.join(os.tmpdir(), `bosun-${label}-${Date.now()}.png`);
    const saved = await page.screenshot({ path: file, fullPage: true }).then(
      () => true,
      () => false,
    );
    if (saved && err instanceof Error) err.message += `\n(page at ${page.url()}; screenshot: ${file})`;
    throw err;
  }
}
