// @ts-check
/**
 * Tab leadership's messages: the BroadcastChannel the tabs of one agent share, and the
 * checks every received message passes.
 *
 * A message is `{v: 1, channel: key, from: tabId, type, payload}` with type one of
 * "decision", "action", "error", "hello". Received messages are validated (version,
 * channel, sender, type, a JSON-shaped plain-object payload without `__proto__` /
 * `constructor` / `prototype` keys, bounded in depth and size); anything else is ignored
 * and counted, never thrown. The tabs heard from (every tab says hello when it starts and
 * goodbye when it stops) are the peers: with none, broadcast posts nothing.
 */

import { describe } from "./errors.js";

/** The message types that may cross the channel. */
export const MESSAGE_TYPES = Object.freeze(["decision", "action", "error", "hello"]);

/** Version of the channel message format. */
export const PROTOCOL_VERSION = 1;

/** Longest tab id. */
export const MAX_ID_LENGTH = 100;
const MAX_DEPTH = 32;
const MAX_NODES = 20000;
/** Other tabs remembered (a hostile page posting from made-up ids cannot grow the set). */
const MAX_PEERS = 64;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MESSAGE_KEYS = new Set(["v", "channel", "from", "type", "payload"]);
const TYPES = new Set(MESSAGE_TYPES);

/**
 * @typedef {"decision" | "action" | "error" | "hello"} MessageType
 * @typedef {{v: 1, channel: string, from: string, type: MessageType, payload: Record<string, any>}} LeadershipMessage
 * @typedef {{
 *   post(type: string, payload: unknown): boolean,
 *   broadcast(type: MessageType, payload: Record<string, any>): boolean,
 *   peers(): number,
 *   stats(): {received: number, ignored: number},
 *   close(): void,
 * }} Channel
 */

/**
 * Opens the channel named `key` (no channel, and nothing posted, without BroadcastChannel).
 * @param {{
 *   key: string,
 *   self: string,
 *   Channel: (new (name: string) => any) | null,
 *   log: import("./types.js").LogFunction,
 *   active: () => boolean,
 *   onMessage: (message: LeadershipMessage) => void,
 * }} o
 *  - active: false once leadership stopped (nothing is received or posted then);
 *  - onMessage: every valid message from another tab.
 * @returns {Channel}
 */
export function createChannel(o) {
  const { key, self, log } = o;
  let received = 0;
  let ignored = 0;
  /** @type {Set<string>} */
  const peers = new Set();
  /** @type {any} */
  let channel = null;
  if (typeof o.Channel === "function") {
    try {
      channel = new o.Channel(key);
      channel.onmessage = onChannelMessage;
      channel.onmessageerror = () => {
        if (!o.active()) return;
        received++;
        ignored++;
      };
    } catch (err) {
      channel = null;
      log("warn", "leadership: BroadcastChannel unavailable; other tabs will not see this tab's log", { error: describe(err) });
    }
  }

  /** @param {any} event */
  function onChannelMessage(event) {
    if (!o.active()) return;
    received++;
    /** @type {LeadershipMessage | null} */
    let message = null;
    try {
      message = validateMessage(event?.data, key, self);
    } catch {
      message = null;
    }
    if (!message) {
      ignored++;
      return;
    }
    if (message.type === "hello" && message.payload.leaving === true) peers.delete(message.from);
    else if (peers.size < MAX_PEERS) peers.add(message.from);
    o.onMessage(message);
  }

  /**
   * @param {string} type
   * @param {unknown} payload
   */
  function post(type, payload) {
    if (!o.active() || !channel) return false;
    if (!TYPES.has(type)) {
      log("error", `leadership: cannot broadcast a message of type ${JSON.stringify(String(type))}`, { allowed: MESSAGE_TYPES });
      return false;
    }
    if (!isPlainObject(payload) || !jsonShaped(payload)) {
      log("error", "leadership: a broadcast payload must be a JSON-shaped plain object", { type });
      return false;
    }
    try {
      channel.postMessage({ v: PROTOCOL_VERSION, channel: key, from: self, type, payload });
      return true;
    } catch (err) {
      log("warn", "leadership: broadcast failed", { type, error: describe(err) });
      return false;
    }
  }

  return Object.freeze({
    post,
    broadcast(/** @type {MessageType} */ type, /** @type {Record<string, any>} */ payload) {
      return peers.size > 0 && post(type, payload);
    },
    peers: () => (o.active() ? peers.size : 0),
    stats: () => ({ received, ignored }),
    close() {
      if (!channel) return;
      try {
        channel.onmessage = null;
        channel.onmessageerror = null;
        channel.close();
      } catch {
        // already closed
      }
      channel = null;
    },
  });
}

/**
 * Checks a message received on the channel. Returns a fresh `{v, channel, from, type,
 * payload}` for a valid message from another tab, and null for anything else. Never throws.
 * @param {unknown} data
 * @param {string} key
 * @param {string} selfId
 * @returns {LeadershipMessage | null}
 */
export function validateMessage(data, key, selfId) {
  try {
    if (!isPlainObject(data)) return null;
    const d = /** @type {Record<string, any>} */ (data);
    for (const k of Reflect.ownKeys(d)) {
      if (typeof k !== "string" || !MESSAGE_KEYS.has(k)) return null;
    }
    if (d.v !== PROTOCOL_VERSION || d.channel !== key) return null;
    const from = d.from;
    if (typeof from !== "string" || from === "" || from.length > MAX_ID_LENGTH || from === selfId) return null;
    const type = d.type;
    if (typeof type !== "string" || !TYPES.has(type)) return null;
    const payload = d.payload;
    if (!isPlainObject(payload) || !jsonShaped(payload)) return null;
    return { v: PROTOCOL_VERSION, channel: key, from, type: /** @type {MessageType} */ (type), payload };
  } catch {
    return null;
  }
}

/** @param {unknown} value */
export function isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * JSON-like data (plain objects, arrays, strings, finite or not numbers, booleans, null,
 * undefined) without `__proto__` / `constructor` / `prototype` keys, no deeper than
 * MAX_DEPTH and with at most MAX_NODES values (which also rules out cycles).
 * @param {unknown} root
 */
function jsonShaped(root) {
  let budget = MAX_NODES;
  /** @param {unknown} value @param {number} depth @returns {boolean} */
  const walk = (value, depth) => {
    if (--budget < 0) return false;
    if (value === null || value === undefined) return true;
    const t = typeof value;
    if (t === "string" || t === "number" || t === "boolean") return true;
    if (t !== "object" || depth >= MAX_DEPTH) return false;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      for (const k of Reflect.ownKeys(value)) {
        if (typeof k !== "string") return false;
        if (k === "length") continue;
        if (!/^(0|[1-9][0-9]*)$/.test(k)) return false;
        const desc = Object.getOwnPropertyDescriptor(value, k);
        if (!desc || !("value" in desc) || !walk(desc.value, depth + 1)) return false;
      }
      return true;
    }
    if (!isPlainObject(value)) return false;
    for (const k of Reflect.ownKeys(/** @type {object} */ (value))) {
      if (typeof k !== "string" || FORBIDDEN_KEYS.has(k)) return false;
      const desc = Object.getOwnPropertyDescriptor(value, k);
      if (!desc || !("value" in desc) || !walk(desc.value, depth + 1)) return false;
    }
    return true;
  };
  return walk(root, 0);
}

