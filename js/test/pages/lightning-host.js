// @ts-check
// The Lightning side of the Lightning browser tests, on the "Lightning domain" (127.0.0.1):
// the agent's Omni-Channel (fake toolkit and events) and the real Presence Sync utility item
// bundle (js/salesforce/.../aura/PresenceSyncBridge, fetched as deployed) in the Aura runtime
// fake, which renders its iframe for real: the page it frames (lightning-vf.html, served as
// /apex/PresenceSyncSoftphone) is on the "Visualforce domain" (?vf=), cross-origin, and runs
// the real page glue, Streams against the fake CCP (?ccp=, a third origin) and the engine.
//   ?omni=Lunch      the status at start (default Available)
//   ?omniLate=1      Omni-Channel does not answer until t.omniLoads()
//   ?timeout=1500    the utility item's Omni-Channel timeout property
import { browserDom, createAuraRuntime, createOmni, domParseXml, fetchBundle } from "/fakes/index.js";

const params = new URLSearchParams(location.search);
const w = /** @type {any} */ (window);

// Count this window's "message" listeners (the utility item adds one, and removes it on destroy).
const listeners = new Set();
const add = window.addEventListener.bind(window);
const remove = window.removeEventListener.bind(window);
w.addEventListener = (/** @type {string} */ type, /** @type {any} */ fn, /** @type {any} */ o) => {
  if (type === "message") listeners.add(fn);
  return add(type, fn, o);
};
w.removeEventListener = (/** @type {string} */ type, /** @type {any} */ fn, /** @type {any} */ o) => {
  if (type === "message") listeners.delete(fn);
  return remove(type, fn, o);
};

const doc = await (await fetch("/testdata/rules/default.json")).json();
// The statuses of testdata/rules/default.json plus one named Offline (a status, not a logout),
// with 18-character Ids as Salesforce gives them (lightning-vf.js serves the same catalog).
const OFFLINE = { id: "0N5xx0000000009", developerName: "Offline", label: "Offline" };
const catalog = {
  statuses: [...doc.salesforce.statuses, OFFLINE].map((/** @type {any} */ s) => ({ ...s, id: s.id.slice(0, 15) + "AAA" })),
  serviceChannels: doc.salesforce.serviceChannels,
};
const omni = createOmni({ catalog, status: params.get("omni") ?? "Available", latencyMs: 20 });
if (params.get("omniLate") === "1") omni.answering(false);

const vfOrigin = /** @type {string} */ (params.get("vf"));
const runtime = createAuraRuntime({
  parseXml: domParseXml,
  window,
  dom: browserDom(document),
  hostOrigin: location.origin,
  omni,
  apex: { PresenceSyncOrigins: { getOrigins: () => ({ state: "SUCCESS", returnValue: { visualforce: vfOrigin, lightning: location.origin } }) } },
  console,
});
const bundle = await fetchBundle("/salesforce/force-app/main/default/aura", "PresenceSyncBridge");
const relay = runtime.create(bundle, {
  container: document.getElementById("utility"),
  attributes: { ccpUrl: params.get("ccp"), logLevel: "warn", timeoutMs: Number(params.get("timeout") ?? 1500) },
});

w.t = {
  omni,
  relay,
  catalog,
  /** Omni-Channel shows up (the Omni-Channel utility loaded). */
  omniLoads() {
    omni.answering(true);
  },
  messageListeners: () => listeners.size,
  /** The frame's URL, as the utility item set it. */
  frameUrl: () => relay.element("frame")?.getAttribute("src") ?? null,
  /** Posts a raw message to the framed page as the utility item would (its origin and token). @param {any} message */
  post(message) {
    const frame = relay.element("frame");
    const token = /#relay=(\w+)/.exec(frame.getAttribute("src"))?.[1];
    const m = message && typeof message === "object" && !Array.isArray(message) ? { protocol: 1, source: "PresenceSyncBridge", token, ...message } : message;
    frame.contentWindow.postMessage(m, vfOrigin);
  },
  errors: () => relay.errors.map(String),
};
w.pageReady = true;
