// @ts-check
/**
 * Which tab writes: the seam between the shim (sync.js) and tab leadership (leadership.js).
 *
 * With `leadership` on (the default) the tabs that share one agent elect one writer with
 * the Web Locks API (a localStorage lease where Web Locks are missing), keyed by the agent
 * ("presence-sync:" + agent ARN, else username); every tab runs the engine, only the writer
 * executes writes, and the writer shares its decisions, actions and errors with the other
 * tabs over a BroadcastChannel of the same name. With `leadership: false` this tab always
 * writes and nothing is shared ("off").
 */

import { createLeadership } from "./leadership.js";

/**
 * @typedef {import("./leadership.js").LeadershipMessage} LeadershipMessage
 * @typedef {import("./leadership.js").LogFunction} LogFunction
 * @typedef {{
 *   ready: Promise<boolean>,
 *   readonly mode: "locks" | "lease" | "single" | "off",
 *   tabId: string | null,
 *   isWriter(): boolean,
 *   broadcast(type: "decision" | "action" | "error", detail: Record<string, any>): boolean,
 *   stop(): Promise<void>,
 * }} Writer
 * @typedef {{
 *   leadership: boolean,
 *   key?: string,
 *   onChange?: (writer: boolean) => void,
 *   onMessage?: (message: LeadershipMessage) => void,
 *   log?: LogFunction,
 *   leadershipOptions?: Record<string, unknown>,
 * }} WriterOptions
 *  - leadership: elect one writer among the tabs (true) or write from this tab (false);
 *  - key: the agent's key (see agentKey);
 *  - onChange(writer): this tab became (true) or stopped being (false) the writer; also
 *    called once when the role is first known. Never synchronously inside singleWriter;
 *  - onMessage(message): a valid message from another tab (leadership.js validates
 *    version, channel, sender, type and shape);
 *  - log: `(level, message, detail)`;
 *  - leadershipOptions: extra createLeadership options (timings; tests).
 */

/** Stop waits at most this long for the lock manager to let go. */
const STOP_WAIT_MS = 1000;

/**
 * The key the tabs of one agent share: "presence-sync:" + the agent's ARN, else username.
 * @param {any} agent a Streams agent
 * @returns {string}
 */
export function agentKey(agent) {
  /** @type {unknown} */
  let id;
  try {
    id = typeof agent?.getAgentARN === "function" ? agent.getAgentARN() : undefined;
  } catch {
    id = undefined;
  }
  if (typeof id !== "string" || id === "") {
    try {
      const cfg = typeof agent?.getConfiguration === "function" ? agent.getConfiguration() : null;
      id = cfg && typeof cfg.agentARN === "string" && cfg.agentARN ? cfg.agentARN : cfg && typeof cfg.username === "string" ? cfg.username : "";
    } catch {
      id = "";
    }
  }
  return "presence-sync:" + (typeof id === "string" && id ? id.slice(0, 400) : "agent");
}

/**
 * @param {WriterOptions} opts
 * @returns {Writer}
 */
export function singleWriter(opts) {
  if (!opts.leadership) return alone();
  const log = opts.log ?? (() => {});
  /** @type {import("./leadership.js").Leadership} */
  let l;
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
    return alone();
  }
  return {
    ready: l.ready,
    get mode() {
      return l.mode;
    },
    tabId: l.tabId,
    isWriter: () => l.isLeader(),
    broadcast: (type, detail) => l.broadcast(type, detail),
    stop() {
      /** @type {any} */
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      });
      return Promise.race([l.stop(), timeout]).then(() => clearTimeout(timer));
    },
  };
}

/** @returns {Writer} this tab writes, alone. */
function alone() {
  return {
    ready: Promise.resolve(true),
    mode: "off",
    tabId: null,
    isWriter: () => true,
    broadcast: () => false,
    stop: () => Promise.resolve(),
  };
}
