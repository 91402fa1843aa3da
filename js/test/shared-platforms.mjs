// Platforms shared by several browser tabs, held by the test server (server.mjs), so that
// tests of tab leadership see what a real agent sees: one Amazon Connect agent state that
// every CCP frame shows, and one Omni-Channel presence that every Salesforce tab shows.
//
//   /shared/<room>/ccp/state    GET   {state}                       the agent state's name
//   /shared/<room>/ccp/events   GET   Server-Sent Events {state}     every change, to every frame
//   /shared/<room>/ccp/put      POST  {name, enqueueNextState}       putAgentState from a frame:
//                                     {ok: true} (applied latencyMs later and pushed to every
//                                     frame), {err: "<JSON string>"} (failNext), {held: true}
//                                     (holdWrites: never answered, never applied)
//   /shared/<room>/ccp/set      POST  {name}                         the agent picks a state in a CCP
//   /shared/<room>/omni/state   GET   {status, statuses, serviceChannels}
//   /shared/<room>/omni/events  GET   Server-Sent Events: adapter events (js/API.md), as JSON text
//   /shared/<room>/omni/call    POST  {method: "setStatus"|"logout", args, tab}: {ok: true}, then the
//                                     change comes back to every tab (latencyMs later) as
//                                     statusChanged (reason OmniToolkitStatusChange) or logout;
//                                     {error: {type, message}} (failNext); {held: true} (holdCalls)
//
// The room's Omni-Channel is the one Omni-Channel fake (js/test/fakes/omni.js) with a page's
// own adapter over it (faces.js), held here: its events go to every tab as they are.
// Tests drive and inspect a room from Node: rooms.room(name).ccp / .omni (see below).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createOmni, omniAdapter } from "./fakes/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultRules = path.resolve(here, "..", "..", "testdata", "rules", "default.json");
const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_BODY = 1 << 21;

/**
 * @typedef {import("node:http").ServerResponse} Res
 * @typedef {{name: string, enqueueNextState: boolean, at: number, outcome: string}} CcpWrite
 * @typedef {{method: string, args: any[], tab: string | null, at: number, outcome: string}} OmniCall
 */

/** @param {Set<Res>} clients @param {string} text JSON text */
function broadcast(clients, text) {
  for (const res of clients) {
    try {
      res.write(`data: ${text}\n\n`);
    } catch {
      clients.delete(res);
    }
  }
}

/** @param {string} name */
function createRoom(name) {
  const doc = JSON.parse(fs.readFileSync(defaultRules, "utf8"));
  /** @type {Set<Res>} */
  const ccpClients = new Set();
  /** @type {Set<Res>} */
  const omniClients = new Set();
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

  const ccp = {
    /** the agent state's name, shared by every frame */
    state: "Available",
    /** @type {CcpWrite[]} every putAgentState, from any frame */
    writes: [],
    /** @type {{type: string, message: string}[]} */
    failures: [],
    hold: false,
    latencyMs: 40,
    /** The agent (or Connect) changes the state: every frame shows it. @param {string} state */
    setState(state) {
      ccp.state = state;
      broadcast(ccpClients, JSON.stringify({ state }));
    },
    /** @param {string} type @param {number} [times] @param {string} [message] */
    failNext(type, times = 1, message = "simulated " + type) {
      for (let i = 0; i < times; i++) ccp.failures.push({ type, message });
    },
    /** @param {boolean} on */
    holdWrites(on) {
      ccp.hold = !!on;
    },
    get frames() {
      return ccpClients.size;
    },
    /** @param {{name?: unknown, enqueueNextState?: unknown}} body */
    put(body) {
      const w = { name: String(body.name), enqueueNextState: body.enqueueNextState === true, at: Date.now(), outcome: "pending" };
      ccp.writes.push(w);
      if (ccp.hold) {
        w.outcome = "held";
        return { held: true };
      }
      const f = ccp.failures.shift();
      if (f) {
        w.outcome = f.type;
        return { err: JSON.stringify(f) };
      }
      w.outcome = "ok";
      later(() => ccp.setState(w.name), ccp.latencyMs);
      return { ok: true };
    },
  };

  const model = createOmni({ catalog: doc.salesforce, status: "Available", latencyMs: 20 });
  const face = omniAdapter(model);
  face.adapter.subscribe((ev) => broadcast(omniClients, JSON.stringify(ev)));

  const omni = {
    /** DeveloperName of the current status; null while logged out */
    get status() {
      return model.status;
    },
    statuses: doc.salesforce.statuses,
    serviceChannels: doc.salesforce.serviceChannels,
    /** @type {OmniCall[]} every setStatus/logout, from any tab */
    calls: /** @type {OmniCall[]} */ ([]),
    hold: false,
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
    /** @param {string} type @param {number} [times] */
    failNext(type, times = 1) {
      for (let i = 0; i < times; i++) model.failNext({ type, message: "simulated " + type });
    },
    /** @param {boolean} on */
    holdCalls(on) {
      omni.hold = !!on;
    },
    get tabs() {
      return omniClients.size;
    },
    /** @param {{method?: unknown, args?: unknown, tab?: unknown}} body */
    async call(body) {
      const method = body.method === "logout" ? "logout" : "setStatus";
      const args = Array.isArray(body.args) ? body.args.slice(0, 1) : [];
      /** @type {OmniCall} */
      const c = { method, args, tab: typeof body.tab === "string" ? body.tab : null, at: Date.now(), outcome: "pending" };
      omni.calls.push(c);
      if (omni.hold) {
        c.outcome = "held";
        return { held: true };
      }
      try {
        if (method === "logout") await face.adapter.logout();
        else await face.adapter.setStatus(String(args[0]));
        c.outcome = "ok";
        return { ok: true };
      } catch (e) {
        const err = /** @type {any} */ (e);
        c.outcome = err?.type ?? "error";
        return { error: { type: err?.type ?? "Error", message: String(err?.message ?? err) } };
      }
    },
  };

  return {
    name,
    ccp,
    omni,
    /** @param {"ccp" | "omni"} side @param {Res} res */
    addClient(side, res) {
      (side === "ccp" ? ccpClients : omniClients).add(res);
    },
    /** @param {"ccp" | "omni"} side @param {Res} res */
    removeClient(side, res) {
      (side === "ccp" ? ccpClients : omniClients).delete(res);
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of [...ccpClients, ...omniClients]) {
        try {
          res.end();
        } catch {
          // gone
        }
      }
      ccpClients.clear();
      omniClients.clear();
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
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
        } catch (e) {
          reject(e);
        }
      });
      req.on("error", reject);
    });
  }

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {Res} res
   * @param {URL} url
   */
  async function handle(req, res, url) {
    const m = /^\/shared\/([^/]+)\/(ccp|omni)\/(state|events|put|set|call)$/.exec(url.pathname);
    if (!m || !ROOM_RE.test(m[1])) {
      json(res, 404, { error: "no such shared resource" });
      return;
    }
    const r = room(m[1]);
    const side = /** @type {"ccp" | "omni"} */ (m[2]);
    const what = m[3];
    try {
      if (req.method === "GET" && what === "state") {
        json(res, 200, side === "ccp" ? { state: r.ccp.state } : { status: r.omni.status, statuses: r.omni.statuses, serviceChannels: r.omni.serviceChannels });
        return;
      }
      if (req.method === "GET" && what === "events") {
        res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
        res.write(": connected\n\n");
        r.addClient(side, res);
        req.on("close", () => r.removeClient(side, res));
        return;
      }
      if (req.method === "POST") {
        const b = await body(req);
        if (side === "ccp" && what === "put") return json(res, 200, r.ccp.put(b));
        if (side === "ccp" && what === "set" && typeof b.name === "string") {
          r.ccp.setState(b.name);
          return json(res, 200, { ok: true });
        }
        if (side === "omni" && what === "call") return json(res, 200, await r.omni.call(b));
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
