// @ts-check
// The demo page: one agent, as in production. The real Streams library talks to the
// simulated CCP frame, and a page's own Salesforce adapter to the simulated Omni-Channel;
// both are held by the demo server for every demo tab (room.js), so every tab sees every
// change and the agent's tabs elect one writer, as they do in production. The rules every
// tab runs are the room's: Apply checks them with the module's own lint first (invalid rules
// change nothing), then every tab restarts its sync with them. The page uses the public API
// only: PresenceSync.start, its events (a follower's log shows the writer tab's decisions,
// actions and errors, `detail.remote`), PresenceSync.lint. New rules start a new sync
// before the running one stops: no change goes unseen in between, and the new one takes the
// writer's role over as a tab does when the writer tab closes (the engine's takeover: it
// reads both systems and reconciles per the rules' options).

import * as PresenceSync from "/dist/presence-sync.mjs";
import { createSharedOmni } from "/pages/shared-omni.js";
import { joinRoom } from "./room.js";
import { createEditor } from "./editor.js";
import { createLog } from "./log.js";
import { createOmniConsole } from "./omni-console.js";
import { createFaults } from "./faults.js";

const w = /** @type {any} */ (window);
const connect = w.connect;
const params = new URLSearchParams(location.search);
const roomName = /^[A-Za-z0-9_-]{1,64}$/.test(params.get("room") ?? "") ? /** @type {string} */ (params.get("room")) : "demo";
/** This tab, as the rules it publishes and the calls it makes are named. */
const pageId = "tab-" + Math.random().toString(16).slice(2, 6);
const ccpUrl = new URL(params.get("ccp") || `${location.protocol}//${location.hostname}:${Number(location.port || 80) + 1}/fake-ccp/index.html`);
ccpUrl.searchParams.set("shared", roomName);

/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} id @param {string} text @param {"ok" | "bad" | "warn" | ""} [kind] */
function badge(id, text, kind = "") {
  const b = $(id);
  b.textContent = text;
  b.className = "badge" + (kind ? " " + kind : "");
}

/** @param {number} n @param {string} one @param {string} [many] */
const plural = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;

const log = createLog($("log"), $("log-hint"));
$("log-clear").addEventListener("click", () => log.clear());
/** @type {HTMLAnchorElement} */ ($("new-tab")).href = location.href;

// ---- the agent's platforms, held by the demo server ------------------------------

/** @type {any} the running sync */
let sync = null;
/** @type {Set<string>} the tab ids of the syncs this page started (a sync replaced by new rules hears the new one) */
const ownTabIds = new Set();
/** @type {import("./room.js").RulesInForce | null} the rules the running sync was started with */
let applied = null;
/** @type {import("./room.js").RulesInForce | null} the newest rules the room announced */
let announced = null;

const omniConsole = createOmniConsole({
  omni: (op, ...args) => room.omni(op, ...args),
  tabLabel: (tab) => (tab === null ? "tab unknown" : tab === pageId ? "from this tab" : "from another tab"),
  onError: (text) => log.note(text, "bad"),
});
const faults = createFaults({
  fault: (body) => room.fault(body),
  onArmed: (text) => log.note(text),
  onError: (text) => log.note(text, "bad"),
  loadLoop: () => void loadAndApply("two-rule-loop.json", "Loaded the two-rule loop (echo suppression off). Pick Lunch in Omni-Channel to start it; pick Available by hand to resume."),
  loadDefault: () => void loadAndApply("default.json"),
});

/** @type {Promise<void>} rules are applied one version after the other */
let rulesQueue = Promise.resolve();
const room = joinRoom(roomName, {
  onRules: (r) => {
    announced = r;
    rulesQueue = rulesQueue.then(() => applyRules(r));
  },
  onView: (v) => {
    omniConsole.render(v.omni);
    faults.render(v.faults);
    $("tabs").textContent = v.tabs === 1 ? "1 tab open" : `${v.tabs} tabs of this agent open`;
  },
});

// The page's own Salesforce adapter over the room's Omni-Channel, fed by this tab's stream.
const omniSide = createSharedOmni(roomName, { tab: () => pageId, events: (deliver) => room.omniEvents(deliver) });

connect.core.initCCP($("ccp-container"), {
  ccpUrl: ccpUrl.href,
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

// ---- the rules -------------------------------------------------------------------

const editor = createEditor({
  textarea: /** @type {HTMLTextAreaElement} */ ($("rules-editor")),
  gutter: $("rules-gutter"),
  marks: $("rules-marks"),
  summary: $("rules-summary"),
  list: $("rules-problems"),
  lint: (text) => PresenceSync.lint(text),
  onApply: () => void apply(),
});
const fileSelect = /** @type {HTMLSelectElement} */ ($("rules-file"));
/** @type {Map<string, string>} file name → its text, as fetched */
const fileTexts = new Map();
/** the name the editor's text came from (a file, or the rules in force) */
let loadedName = "";

/** @param {string} name */
async function fetchRulesFile(name) {
  const res = await fetch("/testdata/rules/" + encodeURIComponent(name));
  if (!res.ok) throw new Error(`could not load testdata/rules/${name}: HTTP ${res.status}`);
  return res.text();
}

/** Loads a file into the editor (not applied). @param {string} name */
async function loadFile(name) {
  const text = await fetchRulesFile(name);
  fileTexts.set(name, text);
  loadedName = name;
  fileSelect.value = name;
  hideNotice();
  await editor.setText(text);
}

/** @param {string} name @param {string} [note] */
async function loadAndApply(name, note) {
  try {
    await loadFile(name);
  } catch (e) {
    log.note(String(/** @type {Error} */ (e).message), "bad");
    return;
  }
  if (await apply()) {
    if (note) log.note(note);
  }
}

/**
 * Apply: the module's lint first. With an error nothing changes — the running sync keeps
 * its rules — and every problem is shown at its line and column; else the rules go to the
 * room, and every tab of the agent (this one included) restarts its sync with them.
 * @returns {Promise<boolean>} whether the rules were sent
 */
async function apply() {
  const text = editor.text;
  const keep = applied ? ` The running sync keeps the rules in force (${applied.name}, version ${applied.version}).` : "";
  const status = { text: $("status").textContent ?? "", className: $("status").className };
  const restore = () => {
    $("status").textContent = status.text;
    $("status").className = status.className;
  };
  badge("status", "Checking the rules…");
  const r = await editor.check();
  if (!r.ok) {
    restore();
    const n = r.problems.filter((p) => p.severity === "error").length;
    editor.show(r, `Not applied: ${plural(n, "error")}.${keep}`);
    log.note(`Rules not applied: ${plural(n, "error")} (see the editor).${keep}`, "bad");
    return false;
  }
  const name = fileTexts.get(loadedName) === text || text === applied?.text ? loadedName || applied?.name || "rules" : `${loadedName || "rules"}, edited`;
  try {
    await room.publishRules({ text, name, by: pageId });
  } catch (e) {
    restore();
    log.note(`The rules could not be sent to the demo server: ${/** @type {Error} */ (e).message}`, "bad");
    return false;
  }
  return true;
}


/** @param {string} text */
function showNotice(text) {
  $("rules-notice-text").textContent = text;
  $("rules-notice").hidden = false;
}
function hideNotice() {
  $("rules-notice").hidden = true;
}
$("rules-notice-load").addEventListener("click", () => {
  if (!announced) return;
  loadedName = announced.name;
  hideNotice();
  void editor.setText(announced.text, { clean: true });
});

/** @param {import("./room.js").RulesInForce} r */
const byWhom = (r) => (r.by === pageId ? "this tab" : r.by ? "another tab" : "the demo server");

/**
 * New rules announced by the room: checked again (they may come from anywhere), then the
 * sync restarts with them. The editor shows them, unless the admin is editing here.
 * @param {import("./room.js").RulesInForce} r
 */
async function applyRules(r) {
  if (applied && r.version <= applied.version) return;
  let checked;
  try {
    checked = await PresenceSync.lint(r.text);
  } catch (e) {
    checked = { ok: false, problems: [{ message: /** @type {Error} */ (e).message }] };
  }
  if (!checked.ok) {
    log.note(`Rules version ${r.version} from ${byWhom(r)} were not applied: ${checked.problems.map((p) => p.message).join("; ")}`, "bad");
    return;
  }
  if (r.by === pageId) {
    editor.markApplied(r.text);
  } else if (!editor.dirty || !applied) {
    loadedName = r.name;
    if (fileTexts.has(r.name)) fileSelect.value = r.name;
    void editor.setText(r.text, { clean: true });
  } else {
    editor.markApplied(r.text);
    showNotice(`Another tab applied ${r.name} (version ${r.version}). Your edits here are kept and are not in force.`);
  }
  await restart(r);
  void editor.check();
}

/**
 * Starts a sync with these rules, then stops the running one: the new sync is subscribed
 * before the old one lets go, and takes the writer's role over (if this tab had it). If the
 * new one cannot start, the running one keeps going.
 * @param {import("./room.js").RulesInForce} r
 */
async function restart(r) {
  const old = sync;
  badge("status", old ? "Applying the new rules…" : "Starting…");
  let s;
  try {
    s = await PresenceSync.start({ rules: r.text, connect, salesforce: omniSide.adapter, options: { logLevel: "warn" } });
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (old) badge("status", `Syncing ${applied ? ruleCount(applied.text) : "?"}: new rules not started (${err.code})`, "bad");
    else badge("status", `Not syncing: ${err.code}`, "bad");
    log.error({ code: err.code, message: err.message });
    return;
  }
  ownTabIds.add(s.tabId);
  sync = s;
  applied = r;
  listen(s);
  if (old) {
    // Had this tab the writer's role, the new sync takes it over once the old one lets go.
    const takenOver = old.leader ? becomesWriter(s) : null;
    await old.stop();
    if (takenOver) await takenOver;
  }
  const reconcile = JSON.parse(r.text).options?.reconcile ?? "none";
  badge("status", `Syncing ${ruleCount(r.text)}`, "ok");
  $("rules-in-force").textContent = `In force: ${r.name}, version ${r.version}`;
  const how = reconcile === "none"
    ? "the systems stay as they are until the next change (options.reconcile: none)"
    : `the writer tab applies them once to ${reconcile === "connect" ? "Connect's" : "Omni-Channel's"} current state (options.reconcile: ${reconcile})`;
  log.note(`Rules applied: ${ruleCount(r.text)} from ${r.name} (version ${r.version}), by ${byWhom(r)}; ${how}.`);
}

/**
 * Resolves when the sync is the writer (or after 3 s: another tab may have taken the role).
 * @param {any} s
 */
function becomesWriter(s) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 3000);
    s.addEventListener("leader", (/** @type {CustomEvent} */ e) => {
      if (!e.detail.leader) return;
      clearTimeout(t);
      resolve(undefined);
    });
  });
}

/** "12 rules", "1 rule". @param {string} text a valid rules document */
function ruleCount(text) {
  const doc = JSON.parse(text);
  return plural(Array.isArray(doc.rules) ? doc.rules.length : 0, "rule");
}

/** The role this tab's log last said (a note is logged when it changes and holds). @type {boolean | null} */
let shownRole = null;
/** How long a new role must hold before the log says it (a sync replacing another is a follower for a moment). */
const ROLE_SETTLE_MS = 400;

/** @param {any} s a running sync */
function listen(s) {
  // A follower decides too (its writes come out skipped): its log shows the writer tab's
  // decisions and actions instead, which reach it marked `remote`. What a sync this page
  // replaced shares is already in the log.
  const mine = (/** @type {any} */ d) => (d.remote ? !ownTabIds.has(d.from) : s.leader);
  s.addEventListener("decision", (/** @type {CustomEvent} */ e) => mine(e.detail) && log.decision(e.detail));
  s.addEventListener("action", (/** @type {CustomEvent} */ e) => mine(e.detail) && log.action(e.detail));
  s.addEventListener("error", (/** @type {CustomEvent} */ e) => (!e.detail.remote || !ownTabIds.has(e.detail.from)) && log.error(e.detail));
  s.addEventListener("leader", (/** @type {CustomEvent} */ e) => {
    if (sync !== s) return;
    const leader = !!e.detail.leader;
    badge("role", leader ? "This tab writes" : "Follower: another tab writes", leader ? "ok" : "warn");
    setTimeout(() => {
      if (sync !== s || s.leader !== leader || shownRole === leader) return;
      if (shownRole !== null || !leader) {
        log.note(leader
          ? "This tab is now the writer: it makes the writes, and every other tab of the agent shows them."
          : "This tab is a follower: another tab of the agent writes, and this log shows that tab's decisions.");
      }
      shownRole = leader;
    }, shownRole === null ? 0 : ROLE_SETTLE_MS);
  });
}

// ---- start ---------------------------------------------------------------------

$("rules-apply").addEventListener("click", () => void apply());
fileSelect.addEventListener("change", () => {
  loadFile(fileSelect.value).catch((e) => log.note(String(e.message), "bad"));
});
const files = /** @type {string[]} */ (await (await fetch("/testdata/rules/index.json")).json());
for (const f of files) {
  const o = document.createElement("option");
  o.textContent = f;
  o.value = f;
  fileSelect.append(o);
  fetchRulesFile(f).then((t) => fileTexts.set(f, t), () => {});
}
fileSelect.value = "default.json";

w.demo = {
  room: roomName,
  pageId,
  get sync() {
    return sync;
  },
  get applied() {
    return applied;
  },
  get ready() {
    return sync !== null;
  },
  omni: omniConsole,
  editor,
};
