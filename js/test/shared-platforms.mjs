// Platforms shared by several browser tabs, held by the test server (server.mjs), so that
// tests of tab leadership and the demo see what a real agent sees: one Amazon Connect agent
// that every CCP frame shows (shared-ccp.mjs: the fake CCP's whole model, contacts
// included), one Omni-Channel presence that every Salesforce tab shows, and, for the demo,
// the rules the agent's tabs run (as the org's rule records are one for every tab).
//
//   /shared/<room>/ccp/state    GET   {state, update, view}              the agent (state name,
//                                     agent::update payload, what the CCP's controls show)
//   /shared/<room>/ccp/events   GET   Server-Sent Events {update, view, failover?}: the agent
//                                     now, then every change, to every frame
//   /shared/<room>/ccp/put      POST  {state, enqueueNextState} (putAgentState from a frame):
//                                     {ok: true} (applied latencyMs later and pushed to every
//                                     frame), {err: "<JSON string>"} (Connect's refusal, or an
//                                     armed fault), {held: true} (never answered, never applied)
//   /shared/<room>/ccp/set      POST  {name}                         the agent picks a state in a CCP
//   /shared/<room>/ccp/agent    POST  {op, args}: what the agent does in any CCP (setState,
//                                     clearNextState, ring, monitor, dial, answer, hangup, clear,
//                                     miss, fail, setRoutingProfile, failover): {ok, result} | {error}
//   /shared/<room>/omni/state   GET   {status, statuses, serviceChannels}
//   /shared/<room>/omni/events  GET   Server-Sent Events: adapter events (js/API.md), as JSON text
//   /shared/<room>/omni/call    POST  {method: "setStatus"|"logout", args, tab}: {ok: true}, then the
//                                     change comes back to every tab (latencyMs later) as
//                                     statusChanged (reason OmniToolkitStatusChange) or logout;
//                                     {error: {type, message}} (failNext); {held: true} (holdCalls)
//   /shared/<room>/omni/agent   POST  {op: "setStatus"|"logout"|"acceptWork"|"completeWork", args}:
//                                     what the agent does in the Omni-Channel widget of any tab
//   /shared/<room>/faults       POST  {system: "ccp"|"omni", fail?: {type, message?, times?},
//                                     hold?: n (ccp: the next n writes go unanswered), clear?: true}
//   /shared/<room>/rules        GET   {text, name, version, by}; POST {text, name, by}: the rules
//                                     every demo tab runs (a new version is pushed to every tab)
//   /shared/<room>/demo/events  GET   Server-Sent Events for a demo tab, one stream: `omni`
//                                     (adapter events), `view` (the Omni-Channel console, the
//                                     armed faults, how many tabs), `rules` (the rules in force)
//
// The room's Omni-Channel is the one Omni-Channel fake (js/test/fakes/omni.js) with a page's
// own adapter over it (faces.js), held here: its events go to every tab as they are.
// Tests drive and inspect a room from Node: rooms.room(name).ccp / .omni / .rules (see below).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createOmni, omniAdapter } from "./fakes/index.js";
import { createSharedCcp } from "./shared-ccp.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultRules = path.resolve(here, "..", "..", "testdata", "rules", "default.json");
const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_BODY = 1 << 21;
/** Most Omni-Channel calls the console view lists. */
const VIEW_CALLS = 12;

/**
 * @typedef {import("node:http").ServerResponse} Res
 * @typedef {{method: string, args: any[], tab: string | null, at: number, outcome: string}} OmniCall
 * @typedef {{text: string, name: string, version: number, by: string, at: number}} RulesInForce
 */

/**
 * Sends one Server-Sent Event to every client.
 * @param {Set<Res>} clients
 * @param {string} text JSON text (one line)
 * @param {string} [event] the event's name (none: a `message`)
 */
function broadcast(clients, text, event) {
  for (const res of clients) send(res, text, event, clients);
}

/** @param {Res} res @param {string} text @param {string} [event] @param {Set<Res>} [clients] */
function send(res, text, event, clients) {
  try {
    res.write(`${event ? `event: ${event}\n` : ""}data: ${text.replace(/\n/g, " ")}\n\n`);
  } catch {
    clients?.delete(res);
  }
}

/** @param {string} name */
function createRoom(name) {
  const defaultText = fs.readFileSync(defaultRules, "utf8");
  const doc = JSON.parse(defaultText);
  /** @type {Set<Res>} */
  const ccpClients = new Set();
  /** @type {Set<Res>} */
  const omniClients = new Set();
  /** @type {Set<Res>} demo tabs (one stream each) */
  const demoClients = new Set();
  /** @type {Set<any>} */
  const timers = new Set();
  /** @param {() => void} fn @param {number} ms */
  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let viewQueued = false;
  /** The demo tabs' view changed: sent once, after the current task's changes. */
  function viewChanged() {
    if (viewQueued || !demoClients.size) return;
    viewQueued = true;
    queueMicrotask(() => {
      viewQueued = false;
      broadcast(demoClients, JSON.stringify(view()), "view");
    });
  }

  const ccp = createSharedCcp({ latencyMs: 40, later, publish: (text) => broadcast(ccpClients, text), changed: viewChanged, frames: () => ccpClients.size });

  const model = createOmni({ catalog: doc.salesforce, status: "Available", latencyMs: 20 });
  const face = omniAdapter(model);
  face.adapter.subscribe((ev) => {
    const text = JSON.stringify(ev);
    broadcast(omniClients, text);
    broadcast(demoClients, text, "omni");
  });
  model.watch(viewChanged);

  const omni = {
    /** DeveloperName of the current status; null while logged out */
    get status() {
      return model.status;
    },
    /** the Omni-Channel fake itself */
    model,
    statuses: doc.salesforce.statuses,
    serviceChannels: doc.salesforce.serviceChannels,
    /** @type {OmniCall[]} every setStatus/logout, from any tab */
    calls: /** @type {OmniCall[]} */ ([]),
    hold: false,
    /** @type {string[]} the error types the next writes reject with (shown in the demo) */
    armed: /** @type {string[]} */ ([]),
    /** Sends an adapter event to every tab (hostile payloads). @param {any} ev */
    emit(ev) {
      broadcast(omniClients, JSON.stringify(ev));
    },
    /** Sends JSON text as is (hostile payloads: own "__proto__" keys survive). @param {string} text */
    emitText(text) {
      broadcast(omniClients, text.replace(/\n/g, " "));
    },
    /** The agent picks a status in the Omni-Channel widget (any tab). @param {string} developerName */
    agentSetStatus(developerName) {
      model.agent.setStatus(developerName);
    },
    agentLogout() {
      model.agent.logout();
    },
    /**
     * What the agent does in the Omni-Channel widget of any tab.
     * @param {string} op
     * @param {unknown[]} [args]
     */
    agent(op, args = []) {
      const s = (/** @type {unknown} */ v) => {
        if (typeof v !== "string" || v.length > 200) throw new Error("a name must be a string");
        return v;
      };
      switch (op) {
        case "setStatus":
          return model.agent.setStatus(s(args[0]));
        case "logout":
          return model.agent.logout();
        case "acceptWork":
          return model.agent.acceptWork(s(args[0])).workItemId;
        case "completeWork":
          return model.agent.completeWork();
      }
      throw new Error(`no such Omni-Channel action: ${String(op).slice(0, 40)}`);
    },
    /**
     * The next `times` writes reject with a Salesforce error of this type.
     * @param {string} type @param {number} [times] @param {string} [message]
     */
    failNext(type, times = 1, message = "simulated " + type) {
      const t = String(type).slice(0, 100);
      for (let i = 0; i < Math.min(times, 20); i++) {
        omni.armed.push(t);
        model.failNext({ type: t, errorCode: t, message: String(message).slice(0, 300) });
      }
      viewChanged();
    },
    /** @param {boolean} on */
    holdCalls(on) {
      omni.hold = !!on;
      viewChanged();
    },
    get tabs() {
      return omniClients.size;
    },
    /** @param {{method?: unknown, args?: unknown, tab?: unknown}} body */
    async call(body) {
      const method = body.method === "logout" ? "logout" : "setStatus";
      const args = Array.isArray(body.args) ? body.args.slice(0, 1) : [];
      /** @type {OmniCall} */
      const c = { method, args, tab: typeof body.tab === "string" ? body.tab.slice(0, 100) : null, at: Date.now(), outcome: "pending" };
      omni.calls.push(c);
      if (omni.calls.length > 1000) omni.calls.splice(0, omni.calls.length - 1000);
      viewChanged();
      if (omni.hold) {
        c.outcome = "held";
        return { held: true };
      }
      // An armed fault is the fake's next rejection (failNext): it is used by this write.
      if (omni.armed.length) omni.armed.shift();
      try {
        if (method === "logout") await face.adapter.logout();
        else await face.adapter.setStatus(String(args[0]));
        c.outcome = "ok";
        return { ok: true };
      } catch (e) {
        const err = /** @type {any} */ (e);
        c.outcome = err?.type ?? err?.errorCode ?? "error";
        return { error: { type: err?.type ?? err?.errorCode ?? "Error", message: String(err?.message ?? err) } };
      } finally {
        viewChanged();
      }
    },
  };

  /** @type {RulesInForce} */
  const rules = { text: defaultText, name: "default.json", version: 1, by: "", at: Date.now() };

  /** The demo tabs' view: the Omni-Channel console, the armed faults, the tabs open. */
  function view() {
    const st = model.state;
    return {
      omni: {
        status: model.status,
        label: st.status?.label ?? null,
        statuses: model.catalog.statuses,
        serviceChannels: model.catalog.serviceChannels,
        workload: st.workload,
        capacity: st.capacity,
        works: st.works.length,
        calls: omni.calls.slice(-VIEW_CALLS).reverse().map((c) => ({ method: c.method, statusId: c.args[0] ?? null, tab: c.tab, outcome: c.outcome, at: c.at })),
      },
      faults: { ccp: ccp.faults(), omni: { failures: [...omni.armed], hold: omni.hold } },
      tabs: demoClients.size,
      frames: ccpClients.size,
    };
  }

  return {
    name,
    ccp,
    omni,
    /** the rules in force for the room's demo tabs */
    get rules() {
      return { ...rules };
    },
    /**
     * New rules for every demo tab (the page checks them with the module's lint first).
     * @param {{text?: unknown, name?: unknown, by?: unknown}} body
     */
    setRules(body) {
      if (typeof body.text !== "string" || !body.text.trim()) throw new Error("rules must be the rules document's JSON text");
      rules.text = body.text;
      rules.name = typeof body.name === "string" ? body.name.slice(0, 200) : "";
      rules.by = typeof body.by === "string" ? body.by.slice(0, 100) : "";
      rules.version++;
      rules.at = Date.now();
      broadcast(demoClients, JSON.stringify(rules), "rules");
      return { ok: true, version: rules.version };
    },
    view,
    /** @param {"ccp" | "omni" | "demo"} side @param {Res} res */
    addClient(side, res) {
      if (side === "ccp") {
        ccpClients.add(res);
        send(res, ccp.message());
      } else if (side === "omni") {
        omniClients.add(res);
      } else {
        demoClients.add(res);
        send(res, JSON.stringify(rules), "rules");
        send(res, JSON.stringify(view()), "view");
      }
      viewChanged();
    },
    /** @param {"ccp" | "omni" | "demo"} side @param {Res} res */
    removeClient(side, res) {
      (side === "ccp" ? ccpClients : side === "omni" ? omniClients : demoClients).delete(res);
      viewChanged();
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of [...ccpClients, ...omniClients, ...demoClients]) {
        try {
          res.end();
        } catch {
          // gone
        }
      }
      ccpClients.clear();
      omniClients.clear();
      demoClients.clear();
    },
  };
}

/** @typedef {ReturnType<typeof createRoom>} Room */

export function createRooms() {
  /** @type {Map<string, Room>} */
  const rooms = new Map();

  /** @param {string} name @returns {Room} */
  function room(name) {
    if (!ROOM_RE.test(name)) throw new Error("bad room name " + JSON.stringify(name));
    let r = rooms.get(name);
    if (!r) {
      r = createRoom(name);
      rooms.set(name, r);
    }
    return r;
  }

  /** @param {Res} res @param {number} status @param {unknown} body */
  function json(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
    res.end(text);
  }

  /** @param {import("node:http").IncomingMessage} req @returns {Promise<any>} */
  function body(req) {
    return new Promise((resolve, reject) => {
      let size = 0;
      /** @type {Buffer[]} */
      const chunks = [];
      req.on("data", (c) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new Error("body too large"));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => {
        try {
          const v = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
          resolve(v && typeof v === "object" && !Array.isArray(v) ? v : {});
        } catch (e) {
          reject(e);
        }
      });
      req.on("error", reject);
    });
  }

  /**
   * A Server-Sent Events stream of one side of the room.
   * @param {import("node:http").IncomingMessage} req @param {Res} res @param {Room} r @param {"ccp" | "omni" | "demo"} side
   */
  function stream(req, res, r, side) {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
    res.write(": connected\n\n");
    r.addClient(side, res);
    req.on("close", () => r.removeClient(side, res));
  }

  /**
   * Arms or clears a fault (the demo's fault buttons, tests).
   * @param {Room} r
   * @param {any} b {system, fail?: {type, message?, times?}, hold?, clear?}
   */
  function fault(r, b) {
    const times = (/** @type {unknown} */ v) => (Number.isInteger(v) && /** @type {number} */ (v) > 0 ? Math.min(/** @type {number} */ (v), 10) : 1);
    if (b.system !== "ccp" && b.system !== "omni") throw new Error('system must be "ccp" or "omni"');
    const side = b.system === "ccp" ? r.ccp : r.omni;
    if (b.clear === true) {
      if (b.system === "ccp") r.ccp.clearFaults();
      else throw new Error("an Omni-Channel rejection armed cannot be taken back: it rejects the next write");
    }
    if (b.fail && typeof b.fail === "object" && typeof b.fail.type === "string") {
      side.failNext(b.fail.type, times(b.fail.times), typeof b.fail.message === "string" ? b.fail.message : undefined);
    }
    if (b.hold !== undefined) {
      if (b.system !== "ccp") throw new Error("hold applies to Connect's putAgentState");
      r.ccp.holdNext(times(b.hold));
    }
    return { ok: true, faults: r.view().faults };
  }

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {Res} res
   * @param {URL} url
   */
  async function handle(req, res, url) {
    const m = /^\/shared\/([^/]+)\/(?:(ccp|omni|demo)\/(state|events|put|set|call|agent)|(rules|faults))$/.exec(url.pathname);
    if (!m || !ROOM_RE.test(m[1])) {
      json(res, 404, { error: "no such shared resource" });
      return;
    }
    const r = room(m[1]);
    const route = m[4] ?? `${m[2]}/${m[3]}`;
    try {
      if (req.method === "GET") {
        switch (route) {
          case "ccp/state":
            return json(res, 200, { state: r.ccp.state, update: r.ccp.model.snapshot(), view: r.ccp.view() });
          case "omni/state":
            return json(res, 200, { status: r.omni.status, statuses: r.omni.statuses, serviceChannels: r.omni.serviceChannels });
          case "rules":
            return json(res, 200, r.rules);
          case "ccp/events":
          case "omni/events":
          case "demo/events":
            return stream(req, res, r, /** @type {"ccp" | "omni" | "demo"} */ (m[2]));
        }
      }
      if (req.method === "POST") {
        const b = await body(req);
        switch (route) {
          case "ccp/put":
            return json(res, 200, r.ccp.put(b));
          case "ccp/set":
            if (typeof b.name !== "string") break;
            r.ccp.setState(b.name);
            return json(res, 200, { ok: true });
          case "ccp/agent":
          case "omni/agent":
            try {
              const args = Array.isArray(b.args) ? b.args.slice(0, 3) : [];
              const result = route === "ccp/agent" ? r.ccp.agent(String(b.op), args) : r.omni.agent(String(b.op), args);
              return json(res, 200, { ok: true, result: result ?? null });
            } catch (e) {
              // What the agent cannot do now (no contact to end, an unknown state): said, nothing changed.
              return json(res, 409, { error: String(/** @type {any} */ (e)?.message ?? e) });
            }
          case "omni/call":
            return json(res, 200, await r.omni.call(b));
          case "rules":
            return json(res, 200, r.setRules(b));
          case "faults":
            return json(res, 200, fault(r, b));
        }
      }
      json(res, 405, { error: "not allowed" });
    } catch (e) {
      json(res, 400, { error: String(e) });
    }
  }

  return {
    room,
    handle,
    closeAll() {
      for (const r of rooms.values()) r.close();
      rooms.clear();
    },
  };
}
