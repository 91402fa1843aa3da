// @ts-check
// The fake CCP's controls (the demo's simulated CCP): the agent's state and next state,
// the states it can pick, contacts of every channel with what the agent can do with each,
// the routing profile, a region failover, and the API requests Streams sent. Everything is
// rendered as text (no HTML parsing). Element ids are what the demo and its test click.

/**
 * @param {HTMLElement | null} root where to render; null: no UI (`ui=0`)
 * @param {ReturnType<typeof import("./model.js").createModel>} model
 * @param {any} api window.fakeCCP
 * @param {{requests: {method: string, params: any, answer?: {err: any}}[]}} control
 */
export function createUI(root, model, api, control) {
  /** @param {string} tag @param {Record<string, string>} [attrs] @param {(string|Node)[]} [kids] */
  function el(tag, attrs = {}, kids = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  }

  /** @param {string} label @param {() => void} fn @param {boolean} [disabled] @param {string} [id] */
  function button(label, fn, disabled = false, id = "") {
    const b = el("button", { type: "button" }, [label]);
    if (id) b.id = id;
    b.disabled = disabled;
    b.addEventListener("click", () => {
      try {
        const r = /** @type {unknown} */ (fn());
        // Shared mode: the room answers later; a refusal was logged there.
        if (r instanceof Promise) r.catch(() => {});
      } catch (e) {
        console.error(e);
      }
    });
    return b;
  }

  const LABEL = { voice: "Call", outbound: "Outbound call", queue_callback: "Callback", chat: "Chat", task: "Task", monitoring: "Monitoring" };
  const VOICE_LINE = new Set(["voice", "outbound", "queue_callback", "monitoring"]);

  /** The contact rows: the voice-line contact's buttons keep the ids ccp-answer, ccp-hangup, ccp-clear, ccp-miss. */
  function contactRows() {
    const rows = el("div", { class: "contacts", id: "ccp-contacts" });
    /** @type {Record<string, number>} */
    const seen = {};
    for (const c of model.contacts) {
      seen[c.channel] = (seen[c.channel] ?? 0) + 1;
      const pre = VOICE_LINE.has(c.channel) ? "ccp-" : `ccp-${c.channel}${seen[c.channel]}-`;
      const row = el("div", { class: "contact", "data-contact": c.id }, [`${LABEL[c.channel]} ${c.id.slice(0, 12)}: ${c.state}`]);
      const acts = el("span", { class: "acts" });
      const ringing = c.state === "incoming" || c.state === "connecting";
      acts.append(
        button(c.channel === "outbound" ? "Customer answers" : "Accept", () => api.answer(c.id), !ringing, pre + "answer"),
        button("End", () => api.hangup(c.id), c.state !== "connected" && c.state !== "connecting", pre + "hangup"),
        button("Close contact", () => api.clear(c.id), !["ended", "missed", "error", "rejected"].includes(c.state), pre + "clear"),
        button("Miss", () => api.miss(c.id), !ringing, pre + "miss"),
        button("Fail", () => api.fail(c.id), c.state === "ended" || c.state === "missed" || c.state === "error", pre + "fail"),
      );
      row.append(acts);
      rows.append(row);
    }
    return rows;
  }

  function render() {
    if (!root) return;
    const st = model.state && typeof model.state === "object" ? model.state : { name: String(model.state), type: "error" };
    const lineBusy = model.contacts.some((c) => VOICE_LINE.has(c.channel));
    const routable = model.byName(model.availability)?.type === "routable";
    root.replaceChildren();
    root.append(el("h2", {}, ["Amazon Connect CCP (simulated)"]));
    root.append(el("div", { class: "state state-" + String(st.type), id: "ccp-state" }, [String(st.name)]));
    if (model.availability !== st.name) root.append(el("div", { class: "sub", id: "ccp-availability" }, ["Status: " + model.availability]));
    if (model.nextState) {
      root.append(el("div", { class: "next", id: "ccp-next" }, [
        "Next status: " + model.nextState.name + " ",
        button("Cancel next status", () => api.clearNextState(), false, "ccp-clear-next"),
      ]));
    }
    const states = el("div", { class: "row" });
    for (const s of model.agentStates) {
      const b = button(s.name, () => api.setState(s.name), false, "ccp-set-" + s.name.replace(/\W+/g, "-"));
      if (s.name === model.availability) b.className = "current";
      states.append(b);
    }
    root.append(states);
    const arrive = el("div", { class: "row call" });
    arrive.append(
      button("Inbound call", () => api.ring(), lineBusy || !routable, "ccp-ring"),
      button("Callback", () => api.ring("queue_callback"), lineBusy || !routable, "ccp-callback"),
      button("Chat", () => api.ring("chat"), !routable, "ccp-chat"),
      button("Task", () => api.ring("task"), !routable, "ccp-task"),
      button("Monitor a call", () => api.monitor(), lineBusy, "ccp-monitor"),
      button("Outbound call", () => api.dial(), lineBusy, "ccp-dial"),
    );
    root.append(arrive, contactRows());
    const admin = el("div", { class: "row admin" }, [
      el("span", { id: "ccp-profile" }, ["Routing profile: " + model.routingProfile]),
      button("Switch profile", () => api.setRoutingProfile(model.routingProfile === "Basic Routing Profile" ? "Sales Routing Profile" : "Basic Routing Profile"), false, "ccp-switch-profile"),
      el("span", { id: "ccp-region" }, ["Region: " + model.region]),
      button("Region failover", () => api.failover(), false, "ccp-failover"),
    ]);
    root.append(admin);
    // Newest first, so that the last request shows without scrolling.
    const log = el("ul", { class: "log", id: "ccp-log" });
    for (const r of control.requests.filter((x) => x.method === "putAgentState").slice(-6).reverse()) {
      const p = r.params || {};
      let outcome = "pending";
      if (r.answer) outcome = r.answer.err ? "failed: " + JSON.parse(r.answer.err).type : "accepted";
      log.append(el("li", {}, ["putAgentState " + (p.state && p.state.name) + (p.enqueueNextState ? " (next status)" : "") + " \u2192 " + outcome]));
    }
    root.append(el("div", { class: "label" }, ["API requests from Streams, newest first"]), log);
  }

  return { render };
}
