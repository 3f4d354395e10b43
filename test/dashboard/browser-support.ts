/**
 * The browser of the dashboard tests: Debian's headless Chromium (/usr/bin/chromium) driven by
 * playwright-core, a fresh profile per launch, nothing downloaded; a file's server, SDK worker and
 * browser page (browserFixture); screenshots to test-output/; and the checks several test files
 * make on a page (its time format, no sideways scrolling).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TaskHubGrpcClient, TaskHubGrpcWorker } from '@microsoft/durabletask-js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createMsClient, startMsWorker, stopAll } from '../support/sdk-ms.ts';
import { DtsServer, repoRoot, withServerOutput, type ServerOptions } from '../support/server-process.ts';

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

export interface BrowserFixture {
  server: DtsServer;
  client: TaskHubGrpcClient;
  browser: BrowserContext;
  page: Page;
  /** http://host:port of the server's HTTP listener. */
  base: string;
}

/**
 * A server, a worker with `register`, a client and a browser page for the test file (started in
 * its `before` hook, stopped in `after`), and `it`, a test that gets them, is skipped without
 * Chromium and carries the server's output when it fails.
 */
export function browserFixture(options: { server?: ServerOptions; browser?: BrowserOptions; register: (worker: TaskHubGrpcWorker) => void }) {
  let fixture: BrowserFixture | undefined;
  let worker: TaskHubGrpcWorker | undefined;
  before(async () => {
    if (browserSkip) return;
    const server = await DtsServer.start(options.server);
    const client = createMsClient(server.grpcAddress);
    worker = await startMsWorker(server.grpcAddress, options.register);
    const browser = await launchBrowser(options.browser);
    fixture = { server, client, browser, page: await firstPage(browser), base: `http://${server.httpAddress}` };
  });
  after(async () => {
    await fixture?.browser.close();
    await stopAll(worker, fixture?.client);
    await fixture?.server.dispose();
  });
  // void: node:test reports a failing test itself; the promise test() returns never rejects.
  const it = (name: string, body: (f: BrowserFixture) => Promise<void>) => void test(name, { skip: browserSkip, timeout: 120_000 }, withServerOutput(() => [fixture?.server], async () => {
    if (fixture === undefined) throw new Error('the browser fixture did not start');
    await body(fixture);
  }));
  return { it };
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(OUT, `dashboard-${name}.png`), fullPage: true });
}

/** The page's document is no wider than the window: nothing but a table's own card scrolls sideways. */
export async function assertNoSidewaysScroll(page: Page, where: string): Promise<void> {
  // A string: this file is type-checked without the DOM's types.
  const { scroll, width } = await page.evaluate<{ scroll: number; width: number }>(
    '({ scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), width: window.innerWidth })');
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
