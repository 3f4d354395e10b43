/**
 * The dashboard's copy buttons in a real Chromium against a real server: a copy the browser
 * allows puts the text on the clipboard and says so; one it refuses says that too, where the
 * refusal used to be an unhandled rejection the user never saw.
 */
import assert from 'node:assert/strict';
import { browserFixture } from './browser-support.ts';

const { it } = browserFixture({ register: () => undefined });

it('Copy link: copied when the browser allows it, and a message when it refuses', async ({ browser, page: p, base }) => {
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const list = `${base}/hubs/default/orchestrations`;
  await p.goto(list);
  await p.getByRole('button', { name: 'Copy link' }).click();
  await p.locator('.toast', { hasText: 'Link copied' }).waitFor();
  // Page code as text: the tests compile without the DOM's types.
  assert.equal(await p.evaluate('navigator.clipboard.readText()'), list);

  // A browser may refuse the write (no permission, page not focused); this one is told to.
  await p.evaluate("navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'))");
  await p.getByRole('button', { name: 'Copy link' }).click();
  await p.locator('.toast', { hasText: 'Link not copied: this browser refused the clipboard' }).waitFor();
});
