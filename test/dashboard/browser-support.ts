/**
 * The browser of the dashboard tests: Debian's headless Chromium (/usr/bin/chromium) driven by
 * playwright-core, a fresh profile per launch, nothing downloaded; screenshots to test-output/;
 * and the checks several test files make on a page (its time format, no sideways scrolling).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../support/server-process.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(repoRoot, 'test-output');

/** The skip reason of every browser test on a machine without Chromium. */
export const browserSkip: string | false = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed (apt-get install -y chromium)';

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  /** The browser's time zone (an IANA name); the machine's when absent. */
  timezoneId?: string;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserContext> {
  mkdirSync(OUT, { recursive: true });
  // A fresh profile each run (playwright passes it as --user-data-dir).
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dts-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
    // An --auth server's certificate comes from its own CA, which this fresh profile does not know.
    ignoreHTTPSErrors: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function firstPage(browser: BrowserContext): Promise<Page> {
  return browser.pages()[0] ?? (await browser.newPage());
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(OUT, `dashboard-${name}.png`), fullPage: true });
}

/** The page's document is no wider than the window: nothing but a table's own card scrolls sideways. */
export async function assertNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), width: window.innerWidth }));
  assert.ok(scroll <= width, `${where}: the page is ${scroll} px wide in a ${width} px window`);
}

/** A time as the dashboard writes every time (dashboard/src/format.ts), in the zone `zone` ('UTC+5:30'). */
export function timePattern(zone: string): RegExp {
  return new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${zone.replace('+', '\\+')}$`);
}

/** Parses a time the dashboard wrote back to epoch ms. */
export function parseShownTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC(?:([+-])(\d+)(?::(\d\d))?)?$/.exec(text.trim());
  assert.ok(m, `not a dashboard time: ${text}`);
  const [, date, time, sign, hours, minutes] = m;
  const offset = sign === undefined ? 'Z' : `${sign}${(hours as string).padStart(2, '0')}:${minutes ?? '00'}`;
  return Date.parse(`${date}T${time}${offset}`);
}
