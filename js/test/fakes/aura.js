// @ts-check
/**
 * A small Aura runtime that runs a real Aura bundle (.cmp markup, controller and helper
 * source) with the platform limits Salesforce documents enforced, so that a bundle that would
 * fail in an org fails here too. Runs under Node (with the fake DOM below and fake windows)
 * and in the browser (real DOM, real cross-origin iframes).
 *
 * Lifecycle as the Aura Components Developer Guide describes it: attributes are set, the
 * `init` handlers run (the component has not rendered yet), the markup renders, then the
 * `render` handlers run; `component.set` re-renders what the value is bound to; `destroy`
 * handlers run when the component goes away. Application events (`lightning:omniChannel*`)
 * reach every `<aura:handler event="...">` while the component exists.
 *
 * Limits enforced (each refusal throws an AuraError naming the page it comes from):
 *  - "Lightning Message Service Limitations", Aura Components Developer Guide
 *    https://developer.salesforce.com/docs/platform/aura-platform/guide/message-channel-considerations.html
 *    "You can't use lightning:messageChannel in an Aura component that uses the background
 *    utility item interface. Similarly, Aura components that use lightning:messageChannel
 *    can't call Lightning Message Service methods in the init lifecycle handler because the
 *    component hasn't rendered." and "lightning:messageChannel Must Be a Child of aura:component".
 *  - Background utility items (`lightning:backgroundUtilityItem`) do not render: "a component
 *    that fires and responds to events without rendering in the utility bar"; their markup
 *    produces no DOM here either.
 *  - Lightning Web Security's iframe `src` distortion (LWS distortions, HTMLIFrameElement src
 *    setter, https://github.com/salesforce/lwsec-docs-mirror): only http:, https:, about:blank
 *    or relative URLs; "If set to a same-origin url, the iframe will be sandboxed" — the
 *    iframe gets sandbox="allow-scripts" (no allow-same-origin), so the framed page has the
 *    opaque origin "null".
 */

/**
 * @typedef {{name: string, attrs: Record<string, string>, children: XmlNode[], text: string}} XmlNode
 * @typedef {{
 *   createElement(tag: string): any,
 *   setAttribute(el: any, name: string, value: string): void,
 *   removeAttribute(el: any, name: string): void,
 *   setText(el: any, text: string): void,
 *   append(parent: any, child: any): void,
 *   remove(el: any): void,
 * }} Dom
 * @typedef {{cmp: string, controller: string, helper: string, name?: string}} Bundle
 * @typedef {{state: "SUCCESS" | "ERROR" | "INCOMPLETE", returnValue?: any, error?: {message: string, exceptionType?: string}[]}} ApexOutcome
 */

export class AuraError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "AuraError";
  }
}

const LMS_LIMITS = "Lightning Message Service Limitations (https://developer.salesforce.com/docs/platform/aura-platform/guide/message-channel-considerations.html)";
let instances = 0;
const NON_VISUAL = new Set(["aura:attribute", "aura:handler", "aura:registerEvent", "aura:dependency", "lightning:omniToolkitAPI", "lightning:messageChannel", "lightning:utilityBarAPI", "lightning:workspaceAPI"]);

/**
 * Lightning Message Service for one Lightning page, with its Open CTI face
 * (`sforce.opencti.subscribe/publish/unsubscribe`, API 47.0+, "Lightning Message Service
 * Methods for Lightning Experience", Open CTI Developer Guide,
 * https://developer.salesforce.com/docs/service/api-cti/guide/sforce-api-cti-methods-lms.html).
 * Salesforce's sample keeps the subscription from the subscribe callback's
 * `result.subscription`, and unsubscribe needs that object: the fake hands it there (and not
 * in `returnValue`), and unsubscribing with anything else leaves the listener in place.
 * Every subscriber (the publisher included) gets a copy of every message, asynchronously.
 * @param {{channels: string[]}} o declared message channels (API names, X__c)
 */
export function createLms(o) {
  const declared = new Set(o.channels);
  /** @type {Map<string, Set<(m: any) => void>>} */
  const subscribers = new Map();
  /** @type {{channel: string, message: any}[]} */
  const log = [];

  /** @param {string} channel @param {any} message */
  function deliver(channel, message) {
    if (!declared.has(channel)) throw new AuraError(`no message channel ${channel}`);
    const copy = structuredClone(message);
    log.push({ channel, message: copy });
    for (const l of [...(subscribers.get(channel) ?? [])]) setTimeout(() => l(structuredClone(copy)), 0);
  }
  /** @param {string} channel @param {(m: any) => void} listener */
  function add(channel, listener) {
    if (!subscribers.has(channel)) subscribers.set(channel, new Set());
    /** @type {Set<any>} */ (subscribers.get(channel)).add(listener);
    return Object.freeze({ channel, listener });
  }
  /** @param {any} sub */
  function removeSub(sub) {
    return !!sub && typeof sub === "object" && (subscribers.get(sub.channel)?.delete(sub.listener) ?? false);
  }

  return {
    log,
    deliver,
    add,
    removeSub,
    /** @param {string} [channel] */
    listenerCount(channel) {
      let n = 0;
      for (const [c, set] of subscribers) if (!channel || c === channel) n += set.size;
      return n;
    },
    opencti: {
      /** @param {{channelName: string, listener: (m: any) => void, callback?: (r: any) => void}} a */
      subscribe({ channelName, listener, callback }) {
        if (!declared.has(channelName)) {
          setTimeout(() => callback?.({ success: false, errors: [{ description: `Invalid channel ${channelName}` }] }), 0);
          return;
        }
        const subscription = add(channelName, listener);
        setTimeout(() => callback?.({ success: true, subscription, errors: null }), 0);
      },
      /** @param {{channelName: string, message: any, callback?: (r: any) => void}} a */
      publish({ channelName, message, callback }) {
        try {
          deliver(channelName, message);
          setTimeout(() => callback?.({ success: true, errors: null }), 0);
        } catch (e) {
          setTimeout(() => callback?.({ success: false, errors: [{ description: String(e) }] }), 0);
        }
      },
      /** @param {{subscription: any, callback?: (r: any) => void}} a */
      unsubscribe({ subscription, callback }) {
        const ok = removeSub(subscription);
        setTimeout(() => callback?.({ success: ok, errors: ok ? null : [{ description: "unknown subscription" }] }), 0);
      },
    },
  };
}

/**
 * A DOM for Node: elements are plain objects. An iframe whose src is set calls
 * `onIframeSrc(element, url)`, which may give it a `contentWindow`.
 * @param {{onIframeSrc?: (el: any, url: string) => void}} [o]
 * @returns {Dom & {root: any}}
 */
export function fakeDom(o = {}) {
  const make = (/** @type {string} */ tag) => ({ tagName: tag.toUpperCase(), attributes: /** @type {Record<string, string>} */ ({}), children: /** @type {any[]} */ ([]), parent: null, text: "", contentWindow: null });
  return {
    root: make("body"),
    createElement: make,
    setAttribute(el, name, value) {
      el.attributes[name] = value;
      if (el.tagName === "IFRAME" && name === "src") o.onIframeSrc?.(el, value);
    },
    removeAttribute(el, name) {
      delete el.attributes[name];
    },
    setText(el, text) {
      el.text = text;
    },
    append(parent, child) {
      child.parent = parent;
      parent.children.push(child);
    },
    remove(el) {
      if (el.parent) el.parent.children = el.parent.children.filter((/** @type {any} */ c) => c !== el);
      el.parent = null;
      el.contentWindow = null;
    },
  };
}

/**
 * The browser's DOM for the runtime.
 * @param {Document} document
 * @returns {Dom}
 */
export function browserDom(document) {
  return {
    createElement: (tag) => document.createElement(tag),
    setAttribute: (el, name, value) => el.setAttribute(name, value),
    removeAttribute: (el, name) => el.removeAttribute(name),
    setText: (el, text) => {
      el.textContent = text;
    },
    append: (parent, child) => parent.appendChild(child),
    remove: (el) => el.remove(),
  };
}

/**
 * @param {{
 *   parseXml: (text: string) => XmlNode,
 *   window: any,
 *   dom: Dom,
 *   hostOrigin: string,
 *   omni?: {onEvent(sink: (event: string, params: any) => void): () => void, toolkit: any},
 *   apex?: Record<string, Record<string, (params: any) => ApexOutcome | Promise<ApexOutcome>>>,
 *   lms?: ReturnType<typeof createLms>,
 *   console?: {error(...a: any[]): void, log(...a: any[]): void, warn(...a: any[]): void},
 * }} o
 */
export function createAuraRuntime(o) {
  const out = o.console ?? { error() {}, log() {}, warn() {} };
  return {
    /**
     * Creates, initialises and renders a component from its bundle.
     * @param {Bundle} bundle
     * @param {{attributes?: Record<string, any>, container: any}} where
     */
    create(bundle, where) {
      return instantiate(o, out, bundle, where);
    },
  };
}

/**
 * @param {Parameters<typeof createAuraRuntime>[0]} o
 * @param {{error(...a: any[]): void, log(...a: any[]): void, warn(...a: any[]): void}} out
 * @param {Bundle} bundle
 * @param {{attributes?: Record<string, any>, container: any}} where
 */
function instantiate(o, out, bundle, where) {
  const root = o.parseXml(bundle.cmp);
  const name = bundle.name ?? "component";
  if (root.name !== "aura:component") throw new AuraError(`${name}: the markup's root is <${root.name}>, not <aura:component>`);
  const interfaces = (root.attrs.implements ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const background = interfaces.includes("lightning:backgroundUtilityItem");
  /** @type {XmlNode[]} */
  const all = [];
  (function walk(/** @type {XmlNode} */ n) {
    for (const c of n.children) {
      all.push(c);
      walk(c);
    }
  })(root);
  const channelNodes = all.filter((n) => n.name === "lightning:messageChannel");
  if (background && channelNodes.length) {
    throw new AuraError(`${name}: "You can't use lightning:messageChannel in an Aura component that uses the background utility item interface" (${LMS_LIMITS})`);
  }
  for (const mc of channelNodes) {
    if (!root.children.includes(mc)) throw new AuraError(`${name}: lightning:messageChannel must be an immediate child of aura:component (${LMS_LIMITS})`);
  }

  /** @type {Record<string, any>} */
  const values = {};
  for (const a of root.children.filter((n) => n.name === "aura:attribute")) values[a.attrs.name] = typed(a.attrs.type, a.attrs.default);
  Object.assign(values, where.attributes ?? {});

  const globalId = `${++instances}:0`;
  /** @type {any[]} errors thrown by the bundle's code (Aura would show them to the user) */
  const errors = [];
  let valid = true;
  let rendered = false;
  let initializing = false;
  /** @type {(() => void)[]} */
  const cleanups = [];

  const $A = {
    /** @param {Function} fn */
    getCallback(fn) {
      return function (/** @type {any[]} */ ...args) {
        try {
          // @ts-ignore
          return fn.apply(this, args);
        } catch (e) {
          errors.push(e);
          out.error(`${name}: uncaught in a $A.getCallback function`, e);
          return undefined;
        }
      };
    },
    /** @param {any} action */
    enqueueAction(action) {
      const run = async () => {
        const cls = root.attrs.controller;
        const method = action.getName();
        const impl = cls && o.apex?.[cls]?.[method];
        /** @type {ApexOutcome} */
        let outcome;
        try {
          outcome = impl ? await impl(structuredClone(action.params)) : { state: "ERROR", error: [{ message: `Unknown controller action '${cls}.${method}'` }] };
        } catch (e) {
          outcome = { state: "ERROR", error: [{ message: String(/** @type {any} */ (e)?.message ?? e), exceptionType: "System.Exception" }] };
        }
        const response = {
          getState: () => outcome.state,
          getReturnValue: () => (outcome.state === "SUCCESS" ? structuredClone(outcome.returnValue) : null),
          getError: () => outcome.error ?? [],
        };
        if (action.callback) $A.getCallback(() => action.callback.call(action.scope, response))();
      };
      setTimeout(run, 0);
    },
    util: {
      /** @param {any} v */
      isEmpty: (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0),
    },
  };

  const source = (/** @type {string} */ code, /** @type {string} */ file) => {
    try {
      // The bundle's code sees Aura's globals; `window` is the Lightning page's window.
      return new Function("$A", "window", "console", "setTimeout", "clearTimeout", `"use strict"; return (${code}\n);`)(
        $A, o.window, out, setTimeout, clearTimeout,
      );
    } catch (e) {
      throw new AuraError(`${name}: ${file} does not evaluate: ${/** @type {Error} */ (e).message}`);
    }
  };
  const controller = source(bundle.controller, `${name}Controller.js`);
  const helper = source(bundle.helper, `${name}Helper.js`);

  /** @type {Map<string, any>} element per markup node, for find() */
  const elements = new Map();
  /** @type {Map<string, any>} lightning:messageChannel handles by aura:id */
  const channels = new Map();

  /** @param {string} expr */
  const actionOf = (expr) => {
    const m = /^\{!\s*c\.(\w+)\s*\}$/.exec(expr ?? "");
    if (!m) return null;
    if (typeof controller[m[1]] !== "function") throw new AuraError(`${name}: ${expr} names no controller function`);
    return m[1];
  };
  /** @param {string} actionName @param {any} event */
  const invoke = (actionName, event) => {
    try {
      controller[actionName](component, event, helper);
    } catch (e) {
      errors.push(e);
      out.error(`${name}.${actionName} threw`, e);
      if (e instanceof AuraError) throw e;
    }
  };

  const component = {
    /** @param {string} key */
    get(key) {
      if (key.startsWith("v.")) return values[key.slice(2)];
      if (key.startsWith("c.")) {
        if (!root.attrs.controller) throw new AuraError(`${name}: component.get("${key}") but the component names no Apex controller`);
        const action = {
          params: /** @type {any} */ ({}),
          callback: /** @type {any} */ (null),
          scope: /** @type {any} */ (null),
          getName: () => key.slice(2),
          setParams(/** @type {any} */ p) {
            this.params = p;
          },
          setCallback(/** @type {any} */ scope, /** @type {any} */ fn) {
            this.scope = scope;
            this.callback = fn;
          },
        };
        return action;
      }
      throw new AuraError(`${name}: component.get("${key}") is not faked`);
    },
    /** @param {string} key @param {any} value */
    set(key, value) {
      if (!key.startsWith("v.")) throw new AuraError(`${name}: component.set("${key}")`);
      const attr = key.slice(2);
      if (!(attr in values) && !root.children.some((a) => a.name === "aura:attribute" && a.attrs.name === attr)) {
        throw new AuraError(`${name}: attribute ${attr} is not declared with <aura:attribute>`);
      }
      values[attr] = value;
      if (rendered && valid) render();
    },
    /** @param {string} id */
    find(id) {
      const node = all.find((n) => n.attrs["aura:id"] === id);
      if (!node) return undefined;
      if (node.name === "lightning:omniToolkitAPI") return o.omni?.toolkit;
      if (node.name === "lightning:messageChannel") return channels.get(id);
      const el = elements.get(id);
      return el ? { getElement: () => el } : undefined;
    },
    isValid: () => valid,
    getName: () => name,
    getGlobalId: () => globalId,
  };

  // Lightning Message Service: usable once rendered, never in a background item (checked above).
  for (const mc of channelNodes) {
    const id = mc.attrs["aura:id"];
    const type = mc.attrs.type;
    const onMessage = actionOf(mc.attrs.onMessage);
    /** @type {any} */
    let sub = null;
    const handle = {
      /** @param {any} message */
      publish(message) {
        if (initializing || !rendered) {
          throw new AuraError(`${name}: Lightning Message Service methods can't be called in the init lifecycle handler because the component hasn't rendered (${LMS_LIMITS})`);
        }
        if (!o.lms) throw new AuraError(`${name}: no Lightning Message Service on this page`);
        o.lms.deliver(type, message);
      },
      subscribeNow() {
        if (!onMessage || !o.lms) return;
        sub = o.lms.add(type, (/** @type {any} */ payload) => {
          if (!valid) return;
          invoke(onMessage, { getParam: (/** @type {string} */ k) => payload[k], getParams: () => ({ ...payload }) });
        });
      },
      unsubscribe() {
        if (sub && o.lms) o.lms.removeSub(sub);
        sub = null;
      },
    };
    if (id) channels.set(id, handle);
    cleanups.push(() => handle.unsubscribe());
  }

  // Application events from Omni-Channel.
  /** @type {Map<string, string>} */
  const appHandlers = new Map();
  /** @type {Record<string, string[]>} */
  const lifecycle = { init: [], render: [], destroy: [] };
  for (const h of root.children.filter((n) => n.name === "aura:handler")) {
    const action = actionOf(h.attrs.action);
    if (!action) throw new AuraError(`${name}: <aura:handler> without a {!c.action}`);
    if (h.attrs.event) appHandlers.set(h.attrs.event, action);
    else if (lifecycle[h.attrs.name]) lifecycle[h.attrs.name].push(action);
  }
  if (o.omni && appHandlers.size) {
    cleanups.push(
      o.omni.onEvent((event, params) => {
        const action = appHandlers.get(event);
        if (!action || !valid) return;
        invoke(action, { getName: () => event.split(":")[1], getParam: (/** @type {string} */ k) => params[k], getParams: () => ({ ...params }) });
      }),
    );
  }

  /** @type {Map<XmlNode, {el?: any, on?: boolean, kids?: any[]}>} render state per markup node */
  const slots = new Map();
  /** @param {string} raw */
  const resolve = (raw) => {
    const m = /^\{!\s*v\.(\w+)\s*\}$/.exec(raw ?? "");
    return m ? values[m[1]] : raw;
  };

  /** @param {any} el @param {string} value */
  function setSrc(el, value) {
    const text = String(value ?? "");
    let url;
    try {
      url = new URL(text, o.hostOrigin + "/");
    } catch {
      throw new AuraError(`${name}: iframe src ${text} is not a URL (LWS allows http:, https:, about:blank and relative URLs)`);
    }
    if (text !== "about:blank" && url.protocol !== "http:" && url.protocol !== "https:") {
      throw new AuraError(`${name}: iframe src ${text}: LWS allows http:, https:, about:blank and relative URLs only`);
    }
    if (url.origin === o.hostOrigin) o.dom.setAttribute(el, "sandbox", "allow-scripts");
    else o.dom.removeAttribute(el, "sandbox");
    o.dom.setAttribute(el, "src", text);
  }

  /** @param {XmlNode} node @param {any} parent */
  function renderNode(node, parent) {
    if (NON_VISUAL.has(node.name)) return;
    let slot = slots.get(node);
    if (node.name === "aura:if") {
      const on = !!resolve(node.attrs.isTrue);
      if (!slot) slots.set(node, (slot = { on: false }));
      if (!on && slot.on) unrender(node);
      slot.on = on;
      if (on) for (const c of node.children) renderNode(c, parent);
      return;
    }
    if (node.name.includes(":")) throw new AuraError(`${name}: <${node.name}> is not faked`);
    if (!slot) {
      const el = o.dom.createElement(node.name);
      slots.set(node, (slot = { el }));
      o.dom.append(parent, el);
      if (node.attrs["aura:id"]) elements.set(node.attrs["aura:id"], el);
    }
    const el = slot.el;
    for (const [k, raw] of Object.entries(node.attrs)) {
      if (k === "aura:id" || /^on/.test(k)) continue;
      const v = resolve(raw);
      const key = `attr:${k}`;
      if (/** @type {any} */ (slot)[key] === v) continue;
      /** @type {any} */ (slot)[key] = v;
      if (node.name === "iframe" && k === "src") setSrc(el, v);
      else if (v === undefined || v === null || v === false) o.dom.removeAttribute(el, k);
      else o.dom.setAttribute(el, k, String(v));
    }
    if (!node.children.length && node.text) {
      const t = node.text.replace(/\{!\s*v\.(\w+)\s*\}/g, (_, a) => (values[a] === undefined || values[a] === null ? "" : String(values[a])));
      if (/** @type {any} */ (slot).text !== t) {
        /** @type {any} */ (slot).text = t;
        o.dom.setText(el, t);
      }
    }
    for (const c of node.children) renderNode(c, el);
  }
  /** @param {XmlNode} node */
  function unrender(node) {
    for (const c of node.children) {
      const s = slots.get(c);
      if (s && s.el) {
        o.dom.remove(s.el);
        for (const [id, el] of elements) if (el === s.el) elements.delete(id);
      }
      slots.delete(c);
      unrender(c);
    }
  }
  function render() {
    for (const c of root.children) renderNode(c, where.container);
    for (const a of lifecycle.render) invoke(a, { getName: () => "render" });
  }

  // init (not rendered yet), then render (a background utility item renders nothing), then render handlers.
  initializing = true;
  try {
    for (const a of lifecycle.init) invoke(a, { getName: () => "init" });
  } finally {
    initializing = false;
  }
  if (!background) {
    rendered = true;
    for (const c of root.children) renderNode(c, where.container);
    for (const h of channels.values()) h.subscribeNow();
    for (const a of lifecycle.render) invoke(a, { getName: () => "render" });
  }

  return {
    component,
    errors,
    background,
    get rendered() {
      return rendered;
    },
    /** @param {string} attr */
    value: (attr) => values[attr],
    /** @param {string} id the element rendered for aura:id */
    element: (id) => elements.get(id),
    /** The component goes away (the app reloads, the utility item is removed). */
    destroy() {
      if (!valid) return;
      for (const a of lifecycle.destroy) invoke(a, { getName: () => "destroy" });
      valid = false;
      for (const c of cleanups.splice(0)) c();
      unrender(root);
    },
  };
}

/**
 * An attribute's default as its declared type.
 * @param {string | undefined} type
 * @param {string | undefined} value
 */
function typed(type, value) {
  if (value === undefined) return undefined;
  switch ((type ?? "String").toLowerCase()) {
    case "boolean":
      return value === "true";
    case "integer":
    case "decimal":
      return Number(value);
    default:
      return value;
  }
}
