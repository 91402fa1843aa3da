// Shared browser-test harness: one static server, one headless Chromium (Debian's,
// driven by playwright-core), a fresh profile, and a fake CCP hostname resolved to
// 127.0.0.1 so that the CCP frame is cross-origin like the real one.

import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startServer, jsRoot } from "../server.mjs";

/** The hostname the fake CCP is served under (mapped to 127.0.0.1 by Chromium). */
export const CCP_HOST = "ccp.presence-sync.test";
/** The hostname of the Lightning tests' "Visualforce domain" (mapped to 127.0.0.1 too). */
export const VF_HOST = "vf.presence-sync.test";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * The flags this project relies on (playwright-core adds its own defaults): no sandbox or
 * GPU in containers, no background traffic, and the fake CCP's hostname mapped to
 * 127.0.0.1 over plain HTTP. The browser tests, the soak test and `make bench` use them.
 */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  `--host-resolver-rules=MAP ${CCP_HOST} 127.0.0.1, MAP ${VF_HOST} 127.0.0.1`,
  "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
]);

/** Directory for screenshots and other test output (gitignored). */
export const ARTIFACTS = path.join(jsRoot, "test", "artifacts");

/**
 * @typedef {object} Harness
 * @property {import("playwright-core").Browser} browser
 * @property {string} base       origin of the test pages, e.g. http://127.0.0.1:41234
 * @property {string} ccpBase    origin of the fake CCP, e.g. http://ccp.presence-sync.test:41234
 * @property {string} vfBase     origin of the Lightning tests' Visualforce page, e.g. http://vf.presence-sync.test:41234
 * @property {(urlPath: string) => Promise<import("playwright-core").Page>} open  opens a page, collecting console errors
 * @property {(context: import("playwright-core").BrowserContext, urlPath: string) => Promise<import("playwright-core").Page>} openIn
 *   opens a page in a given browser context (tabs of one browser profile share Web Locks,
 *   BroadcastChannel and localStorage)
 * @property {ReturnType<typeof import("../shared-platforms.mjs").createRooms>} rooms  platforms shared by tabs
 * @property {() => Promise<void>} close
 */

/**
 * Starts the server and the browser.
 * @returns {Promise<Harness>}
 */
export async function startHarness() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run "make chromium" (apt-get install -y chromium)`);
  }
  for (const f of ["presence-sync.js", "presence-sync.mjs", "presence-sync.wasm", "wasm_exec.js"]) {
    if (!fs.existsSync(path.join(jsRoot, "dist", f))) {
      throw new Error(`js/dist/${f} is missing: run "make dist" first`);
    }
  }
  const srv = await startServer();
  // playwright-core launches Chromium with a fresh temporary --user-data-dir of its own
  // (and refuses one in args), removed again on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  }).catch(async (e) => {
    await srv.close();
    throw e;
  });
  const base = srv.url;
  const ccpBase = `http://${CCP_HOST}:${srv.port}`;
  const vfBase = `http://${VF_HOST}:${srv.port}`;
  /** @param {import("playwright-core").Page} page @param {string} urlPath */
  async function prepare(page, urlPath) {
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (process.env.BROWSER_LOG) console.log(`[browser ${m.type()}] ${m.text()}`);
    });
    Object.defineProperty(page, "pageErrors", { value: errors });
    await page.goto(base + urlPath);
    return page;
  }
  return {
    browser,
    base,
    ccpBase,
    vfBase,
    rooms: srv.rooms,
    async openIn(context, urlPath) {
      return prepare(await context.newPage(), urlPath);
    },
    async open(urlPath) {
      return prepare(await browser.newPage({ viewport: { width: 1280, height: 860 } }), urlPath);
    },
    async close() {
      await browser.close();
      await srv.close();
    },
  };
}

/**
 * The fake CCP frame of a page (cross-origin iframe created by connect.core.initCCP).
 * @param {import("playwright-core").Page} page
 * @returns {Promise<import("playwright-core").Frame>}
 */
export async function ccpFrame(page) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().startsWith(`http://${CCP_HOST}:`));
    if (f) {
      await waitFor(f, () => "fakeCCP" in window);
      return f;
    }
    if (Date.now() > deadline) throw new Error("the fake CCP frame did not appear");
    await page.waitForTimeout(25);
  }
}

/**
 * The framed Visualforce page of a Lightning test page (the utility item's iframe on the
 * Visualforce test origin), once its page glue has run.
 * @param {import("playwright-core").Page} page
 * @returns {Promise<import("playwright-core").Frame>}
 */
export async function vfFrame(page) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().startsWith(`http://${VF_HOST}:`) && new URL(fr.url()).pathname === "/apex/PresenceSyncSoftphone");
    if (f) {
      await waitFor(f, () => "t" in window && "PresenceSyncSoftphone" in window);
      return f;
    }
    if (Date.now() > deadline) throw new Error("the utility item did not frame the page");
    await page.waitForTimeout(25);
  }
}

/**
 * Polls fn (evaluated in the page or frame) until it returns a truthy value, and
 * returns that value. Polling with evaluate works the same in cross-origin frames.
 * @template T
 * @param {import("playwright-core").Page | import("playwright-core").Frame} target
 * @param {(arg: any) => T} fn
 * @param {any} [arg]
 * @param {number} [timeout]
 * @returns {Promise<T>}
 */
export async function waitFor(target, fn, arg, timeout = 15000) {
  const deadline = Date.now() + timeout;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const v = await target.evaluate(/** @type {any} */ (fn), arg);
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out after ${timeout} ms: ${fn.toString().slice(0, 200)} (last: ${String(last)})`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
