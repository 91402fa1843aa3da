// The Lightning path under Node: the Presence Sync utility item (the real PresenceSyncBridge
// bundle, in the Aura runtime fake with the documented limits) on the org's Lightning origin,
// framing the page on the Visualforce origin (fake windows: postMessage with origins), the
// agent's Omni-Channel (fake toolkit and events), and the page's Lightning adapter built the
// way softphone.js builds it, from the URL the utility item gave the frame.

import { createAuraRuntime, createFramedPage, createOmni, fakeDom } from "../fakes/index.js";
import { loadBundle, loadTestdata, parseXml, settle } from "../fakes/node.js";
import { lightning } from "../../src/salesforce-lightning.js";
import { createClock } from "./salesforce-fakes.mjs";

export const LIGHTNING = "https://acme.lightning.force.com";
export const VISUALFORCE = "https://acme--c.vf.force.com";
/** The relay token the utility item draws from the harness's fixed window.crypto. */
export const FIXED_TOKEN = "07".repeat(16);

/**
 * @param {{
 *   status?: string | null, allowed?: string[], whenLoggedOut?: "reject" | "resolve-empty",
 *   timeoutMs?: number, origins?: any, attributes?: Record<string, any>, adapter?: boolean,
 *   relay?: boolean, catalog?: any,
 * }} [o]
 *  - relay: false to open the page with no utility item around it yet (startRelay() adds it);
 *  - adapter: false to build no adapter (the test builds its own).
 */
export async function lightningPage(o = {}) {
  const catalog = o.catalog ?? loadTestdata("catalog.json");
  const clock = createClock();
  const omni = createOmni({ catalog, status: o.status, allowed: o.allowed, whenLoggedOut: o.whenLoggedOut });
  const windows = createFramedPage({ parentUrl: `${LIGHTNING}/lightning/page/home`, childUrl: `${VISUALFORCE}/apex/PresenceSyncSoftphone` });
  // The utility item draws its relay token from window.crypto: fixed here, so that a page
  // built before the utility item exists (relay: false) knows the token it will use.
  /** @type {any} */ (windows.parent).crypto = { getRandomValues: (/** @type {Uint8Array} */ b) => b.fill(7) };
  /** @type {string | null} */
  let frameUrl = null;
  const dom = fakeDom({
    onIframeSrc(el, url) {
      frameUrl = url;
      el.contentWindow = new URL(url).origin === VISUALFORCE ? windows.frameWindow : null;
    },
  });
  const origins = o.origins ?? { visualforce: VISUALFORCE, lightning: LIGHTNING };
  const apexCalls = /** @type {string[]} */ ([]);
  const runtime = createAuraRuntime({
    parseXml,
    window: windows.parent,
    dom,
    hostOrigin: LIGHTNING,
    omni,
    apex: {
      PresenceSyncOrigins: {
        getOrigins: () => {
          apexCalls.push("getOrigins");
          return { state: "SUCCESS", returnValue: origins };
        },
      },
    },
  });
  const attributes = o.attributes ?? { ccpUrl: "https://acme.my.connect.aws/ccp-v2/", logLevel: "debug", timeoutMs: 4000 };
  /** @type {ReturnType<typeof runtime.create> | null} */
  let relay = null;
  async function startRelay() {
    relay = runtime.create(loadBundle("PresenceSyncBridge"), { container: dom.root, attributes });
    await settle();
    return relay;
  }
  if (o.relay !== false) await startRelay();

  const logs = /** @type {{level: string, message: string}[]} */ ([]);
  const timeoutMs = o.timeoutMs ?? 1000;
  /** @param {Record<string, any>} [extra] */
  function makeAdapter(extra = {}) {
    const token = frameUrl ? (/#relay=([A-Za-z0-9]+)/.exec(frameUrl)?.[1] ?? "") : FIXED_TOKEN;
    return lightning({
      parentOrigin: LIGHTNING,
      relayToken: token,
      window: windows.child,
      catalog: async () => structuredClone(catalog),
      timeoutMs,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      setInterval: clock.setInterval,
      clearInterval: clock.clearInterval,
      log: (/** @type {string} */ level, /** @type {string} */ message) => logs.push({ level, message }),
      ...extra,
    });
  }
  const adapter = o.adapter === false ? null : makeAdapter();
  const events = /** @type {any[]} */ ([]);
  return {
    catalog,
    clock,
    omni,
    windows,
    dom,
    apexCalls,
    logs,
    timeoutMs,
    makeAdapter,
    startRelay,
    get relay() {
      return relay;
    },
    get frameUrl() {
      return frameUrl;
    },
    adapter: /** @type {ReturnType<typeof lightning>} */ (adapter),
    events,
    listen() {
      return /** @type {ReturnType<typeof lightning>} */ (adapter).subscribe((e) => events.push(e));
    },
    /** Messages the page received (all of them, before any check). */
    received() {
      const got = /** @type {any[]} */ ([]);
      windows.child.addEventListener("message", (/** @type {any} */ e) => got.push(e));
      return got;
    },
  };
}
