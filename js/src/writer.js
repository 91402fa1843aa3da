// @ts-check
/**
 * Which tab writes: the seam between the running sync (sync.js) and tab leadership
 * (leadership.js).
 *
 * With `leadership` on (the default) the tabs that share one agent elect one writer with
 * the Web Locks API (a localStorage lease where Web Locks are missing), keyed by the agent
 * (agentKey); every tab runs the engine, only the writer executes writes, and the writer
 * shares its decisions, actions and errors with the other tabs over a BroadcastChannel of
 * the same name. A tab runs for writer once both platforms have been read (`begin()`), so
 * that a page still waiting for Omni-Channel never holds the role; until then it is not the
 * writer. With `leadership: false` this tab writes from the start and nothing is shared
 * ("off").
 */

import { createLeadership } from "./leadership.js";
import { safeLog } from "./errors.js";

/**
 * @typedef {import("./leadership-channel.js").LeadershipMessage} LeadershipMessage
 * @typedef {import("./types.js").LogFunction} LogFunction
 * @typedef {{
 *   begin(): Promise<boolean>,
 *   readonly known: boolean,
 *   readonly mode: "locks" | "lease" | "single" | "off",
 *   readonly tabId: string | null,
 *   isWriter(): boolean,
 *   broadcast(type: "decision" | "action" | "error", detail: Record<string, any>): boolean,
 *   stop(): Promise<void>,
 * }} Writer
 *  - begin: runs for writer (once; later calls return the same promise), resolving with
 *    this tab's first role;
 *  - known: the role is known (begun and first decided; always, with leadership off);
 *  - isWriter: this tab may write now.
 * @typedef {{
 *   leadership: boolean,
 *   key?: string,
 *   onChange?: (writer: boolean) => void,
 *   onMessage?: (message: LeadershipMessage) => void,
 *   log?: LogFunction,
 *   leadershipOptions?: Record<string, unknown>,
 * }} WriterOptions
 *  - leadership: elect one writer among the tabs (true) or write from this tab (false);
 *  - key: the agent's key (agentKey);
 *  - onChange(writer): this tab became (true) or stopped being (false) the writer; also
 *    called once when the role is first known. Never synchronously inside begin;
 *  - onMessage(message): a valid message from another tab (leadership-channel.js checks it);
 *  - log: `(level, message, detail)`;
 *  - leadershipOptions: more createLeadership options (timings; tests).
 */

/** Stop waits at most this long for the lock manager to let go. */
const STOP_WAIT_MS = 1000;
const MAX_KEY = 400;

/**
 * The key the tabs of one agent share: "presence-sync:" + the agent's username, else its
 * agent id — never the agent ARN whole, whose region (and instance) change with a region
 * failover (Streams' `connect.globalResiliency`), so that tabs started before and after one
 * still elect one writer.
 * @param {any} agent a Streams agent
 * @returns {string}
 */
export function agentKey(agent) {
  /** @type {unknown} */
  let id = "";
  try {
    const cfg = typeof agent?.getConfiguration === "function" ? agent.getConfiguration() : null;
    if (cfg && typeof cfg.username === "string" && cfg.username) id = "user:" + cfg.username;
  } catch {
    id = "";
  }
  if (!id) {
    try {
      const arn = typeof agent?.getAgentARN === "function" ? agent.getAgentARN() : undefined;
      const m = typeof arn === "string" ? /\/agent\/([^/]+)$/.exec(arn) : null;
      if (m) id = "agent:" + m[1];
    } catch {
      id = "";
    }
  }
  return "presence-sync:" + (typeof id === "string" && id ? id.slice(0, MAX_KEY) : "agent");
}

/**
 * @param {WriterOptions} opts
 * @returns {Writer}
 */
export function createWriter(opts) {
  if (!opts.leadership) return alone();
  const log = safeLog(opts.log);
  /** @type {import("./leadership.js").Leadership | null} */
  let l = null;
  /** @type {Promise<boolean> | null} */
  let begun = null;
  let known = false;
  let failed = false;
  let stopped = false;
  return Object.freeze({
    begin() {
      if (begun) return begun;
      if (stopped) return (begun = Promise.resolve(false));
      try {
        l = createLeadership({
          ...(opts.leadershipOptions ?? {}),
          key: opts.key || "presence-sync:agent",
          onLeaderChange: (w) => opts.onChange?.(w),
          onMessage: (m) => opts.onMessage?.(m),
          log,
        });
      } catch (e) {
        log("warn", `presence-sync: tab leadership is unavailable (${e instanceof Error ? e.message : String(e)}); this tab writes`);
        failed = true;
      }
      begun = (l ? l.ready : Promise.resolve(true)).then((w) => {
        known = true;
        if (failed) opts.onChange?.(true);
        return w;
      });
      return begun;
    },
    get known() {
      return known;
    },
    get mode() {
      return l ? l.mode : failed ? "single" : "locks";
    },
    get tabId() {
      return l ? l.tabId : null;
    },
    isWriter: () => (l ? l.isLeader() : failed),
    broadcast: (type, detail) => (l ? l.broadcast(type, detail) : false),
    stop() {
      stopped = true;
      if (!l) return Promise.resolve();
      const leadership = l;
      /** @type {any} */
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      });
      return Promise.race([leadership.stop(), timeout]).then(() => clearTimeout(timer));
    },
  });
}

/** @returns {Writer} this tab writes, alone, from the start. */
function alone() {
  return Object.freeze({
    begin: () => Promise.resolve(true),
    known: true,
    mode: /** @type {const} */ ("off"),
    tabId: null,
    isWriter: () => true,
    broadcast: () => false,
    stop: () => Promise.resolve(),
  });
}
