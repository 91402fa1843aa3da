// @ts-check
/**
 * The Salesforce side of the tests, as one module: one agent's Omni-Channel (the Lightning
 * toolkit and its events, omni.js; Classic's Console Integration Toolkit and a page's own
 * adapter over the same, faces.js), a manual clock (clock.js), an Aura runtime that runs the real utility item bundle
 * with the documented platform limits enforced, Lightning Message Service with its Open CTI
 * face (aura.js), and windows with origins for the Visualforce page ⇄ utility item relay
 * (windows.js, Node only: the browser has real ones). Runs under Node and in the browser
 * test pages (served at /fakes/). Node tests load bundles from disk with ./node.js.
 */

export { createOmni, REASONS } from "./omni.js";
export { classicConsole, omniAdapter, PRESENCE } from "./faces.js";
export { createClock } from "./clock.js";
export { AuraError, createAuraRuntime, createLms, fakeDom, browserDom } from "./aura.js";
export { createWindow, createFramedPage, postFrom, windowProxy } from "./windows.js";

/**
 * Reads markup with the browser's DOMParser into the runtime's node shape.
 * @param {string} text
 * @returns {import("./aura.js").XmlNode}
 */
export function domParseXml(text) {
  // Aura markup uses prefixes (aura:, lightning:) without declaring them, which an XML parser
  // refuses: declare each on the root element first (names keep their prefix).
  const prefixes = new Set([...text.matchAll(/<\/?([A-Za-z][\w-]*):|\s([A-Za-z][\w-]*):[\w-]+\s*=/g)].map((m) => m[1] ?? m[2]).filter((p) => p !== "xmlns"));
  const declared = [...prefixes].map((p) => ` xmlns:${p}="urn:presence-sync-test:${p}"`).join("");
  const source = text.replace(/<([A-Za-z][\w:-]*)/, (m) => m + declared);
  const doc = new DOMParser().parseFromString(source, "application/xml");
  const error = doc.getElementsByTagName("parsererror")[0];
  if (error) throw new Error(`markup is not well-formed: ${error.textContent}`);
  /** @param {Element} el @returns {import("./aura.js").XmlNode} */
  const convert = (el) => {
    /** @type {Record<string, string>} */
    const attrs = {};
    for (const a of Array.from(el.attributes)) if (!a.name.startsWith("xmlns")) attrs[a.name] = a.value;
    const children = Array.from(el.children).map(convert);
    const text = Array.from(el.childNodes).filter((n) => n.nodeType === 3 || n.nodeType === 4).map((n) => n.nodeValue ?? "").join("").trim();
    return { name: el.tagName, attrs, children, text };
  };
  return convert(doc.documentElement);
}

/**
 * Fetches an Aura bundle's files (browser test pages; the server mounts js/salesforce at /salesforce/).
 * @param {string} base e.g. "/salesforce/force-app/main/default/aura"
 * @param {string} name bundle name
 * @returns {Promise<import("./aura.js").Bundle>}
 */
export async function fetchBundle(base, name) {
  const get = async (/** @type {string} */ file) => {
    const r = await fetch(`${base}/${name}/${file}`);
    if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
    return r.text();
  };
  const [cmp, controller, helper] = await Promise.all([get(`${name}.cmp`), get(`${name}Controller.js`), get(`${name}Helper.js`)]);
  return { name, cmp, controller, helper };
}
