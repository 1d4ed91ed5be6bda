// The reader view in Firefox ESR, driven over WebDriver BiDi. Firefox has no test hook for the
// toolbar button, so Firefox is started with --remote-allow-system-access and the test runs
// privileged script in the browser window: it presses the real toolbar action
// (browserActionFor(extension).triggerAction(window)), it types the real keyboard shortcut
// as trusted key events (nsITextInputProcessor), which go through Firefox's shortcut handling,
// and it chooses the page's context-menu item in the real menu that a right-click opens.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  COMMAND, FIXTURE, GECKO_ID, MANIFEST, ROOT, sleep, assertPageRestored, assertShowsArticle,
  focusIsInFrame, freshProfileDir, loadExpectations, pageState, preparePage, readerContent,
  removeDir, requireBuild, screenshotPath, wheelThroughReader, startServer, waitForFrameGone, waitForReaderFrame,
  launchFirefox, inFirefoxWindow, typeFirefoxShortcut, chooseFromFirefoxPageMenu, textPoint,
} from './support.mjs';

// Pinned so that the test knows the reader page's moz-extension:// origin.
const UUID = '3f6c2a0e-5b7d-4c1e-9a84-6d2f0b1c7e59';
const PREFIX = `moz-extension://${UUID}/`;
const MANIFEST_SHORTCUT = MANIFEST.commands[COMMAND].suggested_key.default;
const POPUP_TITLE = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/messages.json'), 'utf8')).popupTitle.message;

describe('Firefox', { timeout: 60_000 }, () => {
  let browser;
  let server;
  let profile;
  let expect;

  before(async () => {
    requireBuild();
    expect = loadExpectations();
    server = await startServer();
    profile = freshProfileDir('firefox');
    browser = await launchFirefox(profile, UUID);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) removeDir(profile);
  });

  const inBrowserWindow = (expression) => inFirefoxWindow(browser, expression);

  /** Presses the extension's toolbar button in the browser window, as a click would. */
  function pressToolbarAction() {
    return inBrowserWindow(`(() => {
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const extension = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension;
      ExtensionParent.apiManager.global.browserActionFor(extension).triggerAction(window);
      return 'pressed';
    })()`);
  }

  const typeShortcut = (shortcut) => typeFirefoxShortcut(browser, shortcut);

  async function openPage(path) {
    const page = await browser.newPage();
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    const beforeState = await preparePage(page);
    return { page, beforeState };
  }

  /** Opens the page at `path` and the reader view on it by `open(page)` (the toolbar button). */
  async function openReader(path, open = pressToolbarAction) {
    const { page, beforeState } = await openPage(path);
    await page.bringToFront();
    await open(page);
    const frame = await waitForReaderFrame(page, PREFIX);
    const shown = await readerContent(frame);
    return { page, beforeState, frame, shown };
  }

  async function closeWithEscape(page, beforeState) {
    assert.ok(await focusIsInFrame(page), 'the focus is in the reader view, so Esc goes there');
    await page.keyboard.press('Escape');
    await waitForFrameGone(page);
    assertPageRestored(beforeState, await pageState(page));
  }

  test('the keyboard command has a shortcut', async () => {
    const commands = JSON.parse(await inBrowserWindow(`(async () => JSON.stringify(
      await WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension.shortcuts.allCommands()
    ))()`));
    const toggle = commands.find((c) => c.name === COMMAND);
    assert.ok(toggle, `no ${COMMAND} command: ${JSON.stringify(commands)}`);
    assert.equal(toggle.shortcut, MANIFEST_SHORTCUT);
  });

  test('the toolbar action shows the article, and Esc gives the page back untouched', async () => {
    const { page, beforeState, frame, shown } = await openReader(`/${FIXTURE}.html`);
    await page.screenshot({ path: screenshotPath('reader-firefox.png') });
    assertShowsArticle(shown, expect);
    await wheelThroughReader(page, frame, beforeState);
    await closeWithEscape(page, beforeState);
    await page.close();
  });

  test('the page\'s context menu (a real right-click, "Open in reader view") shows the article, and Esc gives the page back', async () => {
    let clicked;
    // The page as the right-click leaves it (the click moves the focus, as a user's does).
    const fromMenu = async (page) => chooseFromFirefoxPageMenu(browser, page, 'klartext-open-reader',
      await textPoint(page, 'article'), async () => { clicked = await pageState(page); });
    const { page, shown } = await openReader(`/${FIXTURE}.html`, fromMenu);
    assertShowsArticle(shown, expect);
    await closeWithEscape(page, clicked);
    await page.close();
  });

  test('the page\'s context menu "Klartext settings for this site…" opens the real popup on the toolbar button', async () => {
    const { page } = await openPage(`/${FIXTURE}.html`);
    await page.bringToFront();
    await chooseFromFirefoxPageMenu(browser, page, 'klartext-site-settings', await textPoint(page, 'article'));
    // The popup is the toolbar button's panel (action.openPopup()), its page the extension's
    // popup, loaded and localised; the panel's content is another process, so its title is
    // what the browser window can read of it.
    const popupState = () => inBrowserWindow(`(() => {
      const panel = [...document.querySelectorAll('panel')].find((p) => p.state === 'open'
        && p.querySelector('browser')?.currentURI?.spec.startsWith(${JSON.stringify(PREFIX)}));
      const view = panel?.querySelector('browser');
      return JSON.stringify(view ? { url: view.currentURI.spec, title: view.contentTitle } : null);
    })()`).then(JSON.parse);
    let popup = null;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      popup = await popupState();
      if (popup?.title) break;
    }
    assert.deepEqual(popup, { url: `${PREFIX}popup/popup.html`, title: POPUP_TITLE });
    await inBrowserWindow(`(() => {
      for (const p of document.querySelectorAll('panel')) if (p.state === 'open') p.hidePopup();
      return 'closed';
    })()`);
    await page.close();
  });

  test('a page with a strict CSP gets its reader view', async () => {
    const { page, beforeState, shown } = await openReader(`/csp/${FIXTURE}.html`);
    assertShowsArticle(shown, expect);
    await closeWithEscape(page, beforeState);
    await page.close();
  });

  test('the keyboard shortcut opens the reader view and closes it again', async () => {
    const typeIt = () => typeShortcut(MANIFEST_SHORTCUT);
    const { page, beforeState, shown } = await openReader(`/${FIXTURE}.html`, typeIt);
    assertShowsArticle(shown, expect);
    await typeIt();
    await waitForFrameGone(page);
    assertPageRestored(beforeState, await pageState(page));
    await page.close();
  });

  test('a page without an article gets a one-line message, and the page stays as it was', async () => {
    const { page, beforeState, shown } = await openReader('/made/no-article');
    assert.ok(shown.message, 'a message is shown');
    assert.ok(!shown.message.includes('\n'), 'the message is one line');
    await closeWithEscape(page, beforeState);
    await page.close();
  });
});
