// @ts-check
/**
 * Browser windows with origins, for Node tests of the Visualforce page ⇄ utility item relay
 * (in the browser tests the windows and origins are real). `postMessage` follows the HTML
 * standard's rules that the relay relies on ("Web messaging", "Posting messages",
 * https://html.spec.whatwg.org/multipage/web-messaging.html#posting-messages):
 *  - a message whose targetOrigin is neither "*" nor the receiver's origin is dropped,
 *    silently, as the browser does;
 *  - delivery is asynchronous and of a structured clone of the message;
 *  - the `message` event carries `origin` (the sender's origin), `source` (the sender's
 *    window) and `data`.
 * A sandboxed frame without allow-same-origin has the opaque origin "null", as browsers give it.
 */

/**
 * @typedef {{origin: string, source: FakeWindow, data: any}} FakeMessageEvent
 * @typedef {{
 *   origin: string,
 *   location: {origin: string, href: string, search: string, hash: string},
 *   parent: FakeWindow,
 *   top: FakeWindow,
 *   self: FakeWindow,
 *   addEventListener(type: string, listener: (event: any) => void): void,
 *   removeEventListener(type: string, listener: (event: any) => void): void,
 *   postMessage(data: any, targetOrigin: string): void,
 *   listenerCount(type?: string): number,
 *   dispatch(type: string, event: any): void,
 *   dropped: {data: any, targetOrigin: string}[],
 *   closed: boolean,
 * }} FakeWindow
 */

/** Runs fn in a later task (setImmediate under Node, setTimeout in a browser). @param {() => void} fn */
function later(fn) {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.setImmediate === "function") g.setImmediate(fn);
  else setTimeout(fn, 0);
}

/**
 * A window at `url`, framed by `parent` (a top-level window when omitted).
 * @param {{url: string, parent?: FakeWindow, sandboxed?: boolean}} o
 *   sandboxed: the frame is sandboxed without allow-same-origin (its origin is "null")
 * @returns {FakeWindow}
 */
export function createWindow(o) {
  const u = new URL(o.url);
  const origin = o.sandboxed ? "null" : u.origin;
  /** @type {Map<string, Set<(event: any) => void>>} */
  const listeners = new Map();
  /** @type {FakeWindow} */
  const win = {
    origin,
    location: { origin: u.origin, href: u.href, search: u.search, hash: u.hash },
    parent: /** @type {any} */ (null),
    top: /** @type {any} */ (null),
    self: /** @type {any} */ (null),
    dropped: [],
    closed: false,
    addEventListener(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      /** @type {Set<any>} */ (listeners.get(type)).add(listener);
    },
    removeEventListener(type, listener) {
      listeners.get(type)?.delete(listener);
    },
    listenerCount(type) {
      if (type) return listeners.get(type)?.size ?? 0;
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    dispatch(type, event) {
      for (const l of [...(listeners.get(type) ?? [])]) l(event);
    },
    // Called on the window itself, with no sender (a message from nowhere): see windowProxy.
    postMessage(data, targetOrigin) {
      postFrom(null, win, data, targetOrigin, null);
    },
  };
  win.self = win;
  win.parent = o.parent ?? win;
  win.top = o.parent ? o.parent.top : win;
  return win;
}

/**
 * `target.postMessage(data, targetOrigin)` as called by code running in `sender`; the
 * receiver's event has `source` = `seenAs` (the receiver's handle on the sender's window).
 * @param {FakeWindow | null} sender
 * @param {FakeWindow} target
 * @param {any} data
 * @param {string} targetOrigin
 * @param {any} seenAs
 */
export function postFrom(sender, target, data, targetOrigin, seenAs) {
  if (typeof targetOrigin !== "string" || targetOrigin === "") throw new TypeError("postMessage needs a targetOrigin");
  if (targetOrigin !== "*" && targetOrigin !== "/" && new URL(targetOrigin).origin !== target.origin) {
    target.dropped.push({ data, targetOrigin });
    return;
  }
  const copy = structuredClone(data);
  const origin = sender ? sender.origin : "null";
  later(() => {
    if (target.closed) return;
    target.dispatch("message", { origin, source: seenAs, data: copy });
  });
}

/**
 * A handle on `target` for code running in `sender`: its postMessage sends from `sender`.
 * @param {FakeWindow} sender
 * @param {FakeWindow} target
 * @param {() => any} seenAs the receiver's handle on the sender (the event's `source`)
 * @returns {{postMessage(data: any, targetOrigin: string): void}}
 */
export function windowProxy(sender, target, seenAs) {
  return {
    postMessage(data, targetOrigin) {
      postFrom(sender, target, data, targetOrigin, seenAs());
    },
  };
}

/**
 * A page framed by another: `parent` at parentUrl and `child` at childUrl, each seeing the
 * other as browsers do (the child's `parent` posts from the child; `frameWindow` is the
 * parent's handle on the child, posting from the parent).
 * @param {{parentUrl: string, childUrl: string, sandboxed?: boolean}} o
 */
export function createFramedPage(o) {
  const parent = createWindow({ url: o.parentUrl });
  const child = createWindow({ url: o.childUrl, parent, sandboxed: o.sandboxed });
  /** @type {any} */
  let frameWindow = null;
  // What code in the child reaches as window.parent, and the parent as iframe.contentWindow:
  // each posts from its own side, and each is what the other side sees as `source`.
  const parentSeenByChild = /** @type {any} */ (windowProxy(child, parent, () => frameWindow));
  frameWindow = windowProxy(parent, child, () => parentSeenByChild);
  child.parent = parentSeenByChild;
  return { parent, child, frameWindow, parentSeenByChild };
}
