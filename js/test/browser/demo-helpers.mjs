// What the demo's browser suites share: opening the demo as a person would (one agent per
// room of the test server, one browser context per person, so that the agent's tabs share
// Web Locks and BroadcastChannel), everything the page says that a person would notice
// (console errors and warnings, uncaught errors, failed requests), and screenshots kept
// under js/test/artifacts/ with stable names.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ARTIFACTS, CCP_HOST, waitFor } from "./harness.mjs";

let rooms = 0;

/** A room of its own for a test: one agent, nothing left over from another test. @param {string} what */
export function newRoom(what) {
  return `demo-${what}-${++rooms}-${Date.now().toString(36)}`;
}

/**
 * @typedef {{
 *   page: import("playwright-core").Page,
 *   frame: import("playwright-core").Frame,
 *   problems: string[],
 *   messages: string[],
 * }} DemoTab
 */

/**
 * Opens a demo tab of the agent `room` in `context`, and waits until it syncs.
 * `problems` collects what a person would see go wrong: console errors and warnings (any
 * frame), uncaught errors, failed requests and HTTP errors; `messages` every console message.
 * @param {import("./harness.mjs").Harness} h
 * @param {import("playwright-core").BrowserContext} context
 * @param {string} room
 * @returns {Promise<DemoTab>}
 */
export async function openDemo(h, context, room) {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} every console message, of any level */
  const messages = [];
  page.on("console", (m) => {
    messages.push(`${m.type()}: ${m.text()}`);
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    if (process.env.BROWSER_LOG) console.log(`[demo ${m.type()}] ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e}`));
  page.on("requestfailed", (r) => {
    // Server-Sent Events streams are cut when a tab closes or the test ends.
    if (!r.url().includes("/events")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const ccp = `${h.ccpBase}/fake-ccp/index.html`;
  await page.goto(`${h.base}/demo/index.html?room=${room}&ccp=${encodeURIComponent(ccp)}`);
  const frame = await demoFrame(page);
  await waitFor(page, () => window.demo?.ready && document.getElementById("status").textContent.startsWith("Syncing"));
  await waitFor(page, () => /writes|Follower/.test(document.getElementById("role").textContent));
  return { page, frame, problems, messages };
}

/**
 * The demo's CCP frame (the fake CCP in shared mode, on the CCP's own origin).
 * @param {import("playwright-core").Page} page
 */
export async function demoFrame(page) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().startsWith(`http://${CCP_HOST}:`));
    if (f) {
      await waitFor(f, () => "fakeCCP" in window && document.getElementById("ccp-state") !== null);
      return f;
    }
    if (Date.now() > deadline) throw new Error("the demo's CCP frame did not appear");
    await page.waitForTimeout(25);
  }
}

/** A new person: a browser context of their own, at a width. @param {import("./harness.mjs").Harness} h @param {number} [width] */
export function newPerson(h, width = 1280) {
  return h.browser.newContext({ viewport: { width, height: 900 } });
}

/** The decision log's text. @param {import("playwright-core").Page} page */
export const logText = (page) => page.textContent("#log");

/**
 * Waits until the log holds a match of `re` (a source string and flags, evaluated in the page).
 * @param {import("playwright-core").Page} page
 * @param {RegExp} re
 * @param {number} [timeout]
 */
export function waitForLog(page, re, timeout = 15000) {
  return waitFor(page, ([src, flags]) => new RegExp(src, flags).test(document.getElementById("log").textContent), [re.source, re.flags], timeout);
}

/** The CCP's state as the frame shows it. @param {DemoTab} tab */
export const ccpState = (tab) => tab.frame.textContent("#ccp-state");
/** Omni-Channel's status as the page shows it. @param {DemoTab} tab */
export const omniState = (tab) => tab.page.textContent("#omni-status");

/** @param {DemoTab} tab @param {string} state */
export function waitCcp(tab, state) {
  return waitFor(tab.frame, (s) => document.getElementById("ccp-state").textContent === s, state);
}
/** @param {DemoTab} tab @param {string} label */
export function waitOmni(tab, label) {
  return waitFor(tab.page, (s) => document.getElementById("omni-status").textContent === s, label);
}

/**
 * Saves a full-page screenshot as js/test/artifacts/<name>.png and checks it is one.
 * @param {import("playwright-core").Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // The whole page in the viewport (a full-page capture resizes it behind the page's back,
  // and the cross-origin CCP frame can miss the repaint), each frame painted twice.
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  for (const f of page.frames()) {
    await f.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))).catch(() => {});
  }
  await page.screenshot({ path: file });
  await page.setViewportSize(size);
  const png = fs.readFileSync(file);
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.ok(png.length > 20000, `${name}.png is suspiciously small`);
  return file;
}
