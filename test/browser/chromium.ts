/**
 * Real headless Chromium (Debian's `chromium` package) driven by
 * playwright-core. Tests using it skip with a visible message when
 * /usr/bin/chromium is absent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function describeBrowser(name: string, fn: () => void): void {
  if (!HAS_CHROMIUM) {
    // eslint-disable-next-line no-console
    console.warn(`[skip] ${name}: ${CHROMIUM} is absent (apt-get install -y chromium), browser tests skipped`);
    describe.skip(`${name} (skipped: ${CHROMIUM} absent)`, fn);
    return;
  }
  describe(name, fn);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh user-data-dir, removed on close. */
export async function launch(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    offline: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
