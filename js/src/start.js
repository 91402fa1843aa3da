// @ts-check
/**
 * `PresenceSync.start(params)`: checks the parameters, loads the module, creates the
 * engine, waits for Streams to report the agent, subscribes to both platforms, reads what
 * they report now and starts the engine with it. Resolves with the running sync
 * (sync.js); rejects with a PresenceSyncError (errors.js), having written nothing and left
 * no listener.
 *
 * Omni-Channel may load after the page (Lightning's utility items load in any order). When
 * the Salesforce adapter says it is still waiting for its platform (`{type: "error", code:
 * "timeout", waiting: true}`), or has not answered within `startTimeoutMs`, start resolves
 * without it: the engine starts knowing nothing of Omni-Channel, writes nothing there (its
 * writes wait, `deferred`) until the adapter answers, and is then told (`{op:
 * "salesforce"}`). A tab runs for writer only once both platforms have been read, so that
 * a page still waiting for Omni-Channel never holds the role (with `leadership: false`
 * this tab writes from the start).
 */

import { psError, describe, consoleLog } from "./errors.js";
import { loadEngine } from "./loader.js";
import { createEngine } from "./bridge.js";
import { isStreams, waitForAgent, connectSide } from "./connect.js";
import { adapterProblems, salesforceSide } from "./salesforce.js";
import { createWriter, agentKey } from "./writer.js";
import { createSync, WAITING } from "./sync.js";

/**
 * @typedef {import("./types.js").StartParams} StartParams
 * @typedef {import("./sync.js").PresenceSync} PresenceSync
 */

/** Options the shim itself reads; the others are the engine's. */
const SHIM_OPTIONS = new Set(["leadership", "logLevel", "startTimeoutMs"]);
const START_TIMEOUT_MS = 30000;

/**
 * Starts presence sync. Resolves when the module is instantiated, the rules compiled,
 * both platforms subscribed and their current states read (or Omni-Channel found late), and
 * this tab's role known.
 * @param {StartParams} params
 * @returns {Promise<PresenceSync>}
 */
export async function start(params) {
  const problems = paramProblems(params);
  if (problems.length) {
    throw psError("invalid-options", "PresenceSync.start: " + problems.join("; "), { problems });
  }
  const opts = params.options ?? {};
  const startTimeoutMs = Number(opts.startTimeoutMs ?? START_TIMEOUT_MS);
  let config;
  try {
    config = engineConfig(params);
  } catch (e) {
    throw psError("invalid-rules", `The rules cannot be serialised: ${describe(e)}`);
  }

  const mod = await loadEngine({ wasmUrl: params.wasmUrl, wasmExecUrl: params.wasmExecUrl });
  /** @type {ReturnType<typeof createSync> | null} */
  let run = null;
  const engine = createEngine(mod, config, (out) => run?.control.output(out));

  let agent;
  try {
    agent = await waitForAgent(/** @type {any} */ (params.connect), startTimeoutMs, { cancelled: false });
  } catch (e) {
    engine.stop();
    throw e;
  }

  const writer = createWriter({
    leadership: opts.leadership !== false,
    key: agentKey(agent),
    onChange: () => run?.control.roleChanged(),
    onMessage: (m) => run?.control.message(m),
    log: consoleLog(opts.logLevel),
  });
  const connect = connectSide(agent, /** @type {any} */ (params.connect));
  const salesforce = salesforceSide(params.salesforce);
  run = createSync({ engine, connect, salesforce, writer, logLevel: opts.logLevel });
  const { sync, control } = run;
  try {
    control.subscribe();
    const connectState = connect.read();
    const reading = salesforce.read().then((sf) => ({ sf }), (error) => ({ error }));
    /** @type {any} */
    let timer;
    const silent = new Promise((resolve) => {
      timer = setTimeout(() => resolve("silent"), startTimeoutMs);
    });
    const first = await Promise.race([reading, control.salesforceWaiting, silent]);
    clearTimeout(timer);
    if (first === WAITING || first === "silent") {
      if (first === "silent") {
        control.output({ errors: [{ code: "timeout", waiting: true, source: "salesforce",
          message: `Omni-Channel has not answered within ${startTimeoutMs} ms. Presence sync starts without it and syncs Omni-Channel as soon as it answers.` }] });
      }
      control.begin(connectState, undefined);
      reading.then(async (r) => {
        if (sync.stopped) return;
        if ("error" in r) {
          control.startFailed(readFailure(r.error));
          return;
        }
        control.salesforceRead(r.sf);
        await writer.begin();
        control.roleChanged();
      });
    } else {
      if ("error" in first) throw readFailure(first.error);
      await writer.begin();
      if (sync.stopped) throw psError("stopped", "PresenceSync was stopped while starting.");
      control.begin(connectState, first.sf);
    }
  } catch (e) {
    await sync.stop();
    throw e;
  }
  control.release();
  return sync;
}

/**
 * Checks start's parameters; returns the problems.
 * @param {any} p
 * @returns {string[]}
 */
function paramProblems(p) {
  if (!p || typeof p !== "object") return ["start needs an object {rules, connect, salesforce, options}"];
  const problems = [];
  if (p.rules === undefined || p.rules === null) problems.push("rules is required (the rules document, as an object or JSON text)");
  else if (typeof p.rules !== "object" && typeof p.rules !== "string") problems.push("rules must be an object or JSON text");
  if (!isStreams(p.connect)) problems.push("connect must be the Amazon Connect Streams global (window.connect)");
  problems.push(...adapterProblems(p.salesforce));
  if (p.options !== undefined && (p.options === null || typeof p.options !== "object" || Array.isArray(p.options))) {
    problems.push("options must be an object");
  }
  return problems;
}

/**
 * The engine's configuration (rules.NewSession): the rules as given and the engine's options.
 * @param {StartParams} p
 * @returns {string}
 */
function engineConfig(p) {
  /** @type {Record<string, unknown>} */
  const options = {};
  for (const [k, v] of Object.entries(p.options ?? {})) {
    if (!SHIM_OPTIONS.has(k)) options[k] = v;
  }
  return JSON.stringify({ rules: p.rules, options });
}

/**
 * The start-failed error for a Salesforce side that could not be read.
 * @param {unknown} e
 */
function readFailure(e) {
  return psError("start-failed", `Could not read the Omni-Channel status: ${describe(e)}`, { cause: e });
}
