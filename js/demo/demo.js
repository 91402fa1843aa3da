// @ts-check
// The demo page: the real Streams library against the simulated CCP frame, the simulated
// Omni-Channel console, a rules editor preloaded from testdata/rules/, and a live log of
// every decision. Everything from the engine is rendered as text (textContent), never HTML.

import * as PresenceSync from "/dist/presence-sync.mjs";
import { createOmni, omniAdapter } from "/fakes/index.js";

const w = /** @type {any} */ (window);
const connect = w.connect;
const params = new URLSearchParams(location.search);
const ccpUrl = params.get("ccp") || `${location.protocol}//${location.hostname}:${Number(location.port || 80) + 1}/fake-ccp/index.html`;

/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Creates an element with text and children (no HTML parsing).
 * @param {string} tag
 * @param {{class?: string, text?: string, title?: string}} [o]
 * @param {Node[]} [kids]
 */
function el(tag, o = {}, kids = []) {
  const e = document.createElement(tag);
  if (o.class) e.className = o.class;
  if (o.text !== undefined) e.textContent = o.text;
  if (o.title) e.title = o.title;
  for (const k of kids) e.append(k);
  return e;
}

/** @param {string} text @param {"ok" | "bad" | ""} [kind] */
function setStatus(text, kind = "") {
  const s = $("status");
  s.textContent = text;
  s.className = "status" + (kind ? " " + kind : "");
}

// ---- the rules editor -------------------------------------------------------------

const editor = /** @type {HTMLTextAreaElement} */ ($("rules-editor"));
const fileSelect = /** @type {HTMLSelectElement} */ ($("rules-file"));

/** @param {string} name */
async function loadRulesFile(name) {
  const res = await fetch("/testdata/rules/" + encodeURIComponent(name));
  if (!res.ok) throw new Error(`could not load testdata/rules/${name}: HTTP ${res.status}`);
  editor.value = await res.text();
}

/** @param {string[]} problems */
function showProblems(problems) {
  const ul = $("rules-problems");
  ul.replaceChildren(...problems.map((p) => el("li", { text: p })));
}

// ---- the simulated Omni-Channel console ------------------------------------------

const catalogDoc = await (await fetch("/testdata/rules/default.json")).json();
// The one Omni-Channel fake of the project (js/test/fakes/), with a page's own adapter over it.
const omni = createOmni({ catalog: catalogDoc.salesforce, status: "Available", capacity: 5, latencyMs: 150 });
const omniSide = omniAdapter(omni);

function renderOmni() {
  const st = $("omni-status");
  st.textContent = omni.state.status?.label ?? "Offline";
  st.className = "omni-status" + (omni.status === null ? " offline" : "");
  for (const b of $("omni-statuses").querySelectorAll("button")) {
    b.classList.toggle("current", b.dataset.status === omni.status);
  }
  const pct = omni.state.capacity > 0 ? (omni.state.workload / omni.state.capacity) * 100 : 0;
  $("workload-fill").style.width = Math.min(100, pct) + "%";
  $("workload-text").textContent = `${omni.state.workload} / ${omni.state.capacity} (${Math.round(pct)}%)`;
  /** @type {HTMLButtonElement} */ ($("omni-complete")).disabled = omni.state.works.length === 0;
  const byId = new Map(omni.catalog.statuses.map((s) => [s.id.slice(0, 15), s.developerName]));
  const writes = omni.state.calls.filter((c) => c.method === "logout" || c.method === "setServicePresenceStatus");
  $("omni-calls").replaceChildren(...writes.slice(-5).map((c) => el("li", {
    text: c.method === "logout" ? `logout() → ${c.outcome ?? "pending"}` : `setStatus(${c.args?.statusId} = ${byId.get(String(c.args?.statusId).slice(0, 15)) ?? "?"}) → ${c.outcome ?? "pending"}`,
  })));
}

for (const s of omni.catalog.statuses) {
  const b = el("button", { text: s.label });
  b.setAttribute("type", "button");
  b.id = "omni-set-" + s.developerName;
  b.dataset.status = s.developerName;
  b.addEventListener("click", () => omni.agent.setStatus(s.developerName));
  $("omni-statuses").append(b);
}
for (const c of omni.catalog.serviceChannels) {
  const b = el("button", { text: c.developerName, title: `work item key prefix ${c.keyPrefix}` });
  b.setAttribute("type", "button");
  b.id = "omni-accept-" + c.developerName;
  b.addEventListener("click", () => omni.agent.acceptWork(c.developerName));
  $("omni-channels").append(b);
}
$("omni-logout").addEventListener("click", () => omni.agent.logout());
$("omni-complete").addEventListener("click", () => omni.agent.completeWork());
omni.watch(renderOmni);
renderOmni();

// ---- the decision log ------------------------------------------------------------

const log = $("log");
/** @type {Map<number, HTMLElement>} action id → its line */
const actionLines = new Map();

/** @param {any} ev */
function describeEvent(ev) {
  switch (ev.type) {
    case "Connect Agent State Change":
      return `Connect: ${ev.oldState} → ${ev.newState}`;
    case "Salesforce Agent State Change":
      return `Omni: status ${ev.statusApiName}${ev.reason ? ` (${ev.reason})` : ""}`;
    case "Salesforce Agent Logout":
      return "Omni: logged out";
    case "Salesforce Work Accepted":
      return `Omni: work ${ev.workItemId} accepted${ev.serviceChannel ? ` on ${ev.serviceChannel}` : ""}`;
    case "Salesforce Workload Changed":
      return `Omni: workload ${ev.previousWorkload} → ${ev.newWorkload} of ${ev.configuredCapacity}`;
  }
  return String(ev.type);
}

/** @param {any} a */
function actionText(a) {
  return `→ ${a.destination} = ${a.value}: ${a.status}${a.enqueueNextState ? " (next status)" : ""}${a.error ? ` [${a.error}]` : ""}${a.reason ? ` — ${a.reason}` : ""}`;
}

/** @param {number} ms */
function clock(ms) {
  const d = new Date(ms);
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

/** @param {Node} item */
function prepend(item) {
  log.prepend(item);
  while (log.childElementCount > 200) log.lastElementChild?.remove();
}

/** @param {any} d */
function renderDecision(d) {
  const head = el("div", { class: "head" }, [
    el("span", { class: "time", text: clock(d.time || Date.now()) }),
    el("span", { class: "event", text: describeEvent(d.event) }),
  ]);
  if (d.echo) head.append(el("span", { class: "tag echo", text: "echo suppressed: no rule evaluated" }));
  if (d.note) head.append(el("span", { class: "tag", text: d.note }));
  const li = el("li", { class: "decision" }, [head]);
  const considered = (d.rules || []).filter((/** @type {any} */ r) => r.outcome !== "other-source");
  const other = (d.rules || []).length - considered.length;
  if (!d.echo) {
    const ul = el("ul", { class: "rules" });
    for (const r of considered) {
      const fired = r.outcome === "matched";
      ul.append(el("li", {
        class: fired ? "fired" : "not",
        text: `${fired ? "✔ fired" : "✘ " + r.outcome}: ${r.name} — ${r.reason ?? ""}`,
      }));
    }
    if (!considered.length) ul.append(el("li", { class: "not", text: "no rule listens to this event" }));
    if (other) ul.append(el("li", { class: "not", text: `(${other} rule${other === 1 ? "" : "s"} listen to other events)` }));
    li.append(ul);
  }
  const acts = el("ul", { class: "actions" });
  for (const a of d.actions || []) {
    const line = el("li", { text: actionText(a) });
    if (typeof a.id === "number") actionLines.set(a.id, line);
    acts.append(line);
  }
  if ((d.actions || []).length) li.append(acts);
  prepend(li);
}

/** @param {any} a */
function renderAction(a) {
  const line = typeof a.id === "number" ? actionLines.get(a.id) : undefined;
  if (line) {
    line.textContent = actionText(a);
  } else {
    prepend(el("li", { class: "decision" }, [el("div", { class: "head" }, [
      el("span", { class: "time", text: clock(Date.now()) }),
      el("span", { text: `${a.rule}: ${actionText(a)}` }),
    ])]));
  }
}

/** @param {any} e */
function renderError(e) {
  prepend(el("li", { class: "error" }, [el("div", { class: "head" }, [
    el("span", { class: "time", text: clock(Date.now()) }),
    el("span", { class: "tag error", text: e.code }),
    el("span", { text: e.message }),
  ])]));
}

$("log-clear").addEventListener("click", () => {
  log.replaceChildren();
  actionLines.clear();
});

// ---- Streams and the sync ----------------------------------------------------------

connect.core.initCCP($("ccp-container"), {
  ccpUrl,
  loginPopup: false,
  softphone: { allowFramedSoftphone: false },
  style: "width: 100%; height: 100%;",
});
connect.agent((/** @type {any} */ agent) => {
  $("streams-state").textContent = agent.getState().name;
  agent.onStateChange((/** @type {any} */ e) => {
    $("streams-state").textContent = e.newState;
  });
});

/** @type {any} */
let sync = null;

async function apply() {
  let rules;
  try {
    rules = JSON.parse(editor.value);
  } catch (e) {
    showProblems([`The rules are not valid JSON: ${/** @type {Error} */ (e).message}`]);
    setStatus("Rules not applied", "bad");
    return;
  }
  if (sync) {
    await sync.stop();
    sync = null;
  }
  setStatus("Starting…");
  try {
    sync = await PresenceSync.start({ rules, connect, salesforce: omniSide.adapter, options: { logLevel: "warn" } });
  } catch (e) {
    const err = /** @type {any} */ (e);
    showProblems(err.problems?.length ? err.problems.map((/** @type {any} */ p) => p.message ? `${p.ruleName ? `rule "${p.ruleName}": ` : ""}${p.field ? p.field + ": " : ""}${p.message}` : String(p)) : [err.message]);
    setStatus(`Not syncing: ${err.code}`, "bad");
    return;
  }
  showProblems([]);
  sync.addEventListener("decision", (/** @type {CustomEvent} */ e) => renderDecision(e.detail));
  sync.addEventListener("action", (/** @type {CustomEvent} */ e) => renderAction(e.detail));
  sync.addEventListener("error", (/** @type {CustomEvent} */ e) => renderError(e.detail));
  setStatus(`Syncing with ${rules.rules?.length ?? 0} rules`, "ok");
}

$("rules-apply").addEventListener("click", () => void apply());
fileSelect.addEventListener("change", async () => {
  await loadRulesFile(fileSelect.value);
  await apply();
});

const files = /** @type {string[]} */ (await (await fetch("/testdata/rules/index.json")).json());
for (const f of files) {
  const o = el("option", { text: f });
  /** @type {HTMLOptionElement} */ (o).value = f;
  fileSelect.append(o);
}
fileSelect.value = files.includes("default.json") ? "default.json" : files[0];
await loadRulesFile(fileSelect.value);
await apply();

w.demo = { omni, get sync() { return sync; }, ready: true };
