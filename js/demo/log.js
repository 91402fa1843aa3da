// @ts-check
// The demo's decision log, newest entry first: one entry per decision (the event, each
// rule's outcome and why, the writes and every status each went through: issued, retrying,
// applied, failed...), per error (its code and the engine's words), and per thing the
// tab should know (rules applied, this tab's role). A follower tab shows the writer tab's
// decisions, actions and errors (the API's `detail.remote`), so every tab tells the truth.
// Everything from the engine is rendered as text (textContent), never HTML.

/** Most entries kept. */
const MAX_ENTRIES = 200;

/**
 * Creates an element with text and children (no HTML parsing).
 * @param {string} tag
 * @param {{class?: string, text?: string, title?: string}} [o]
 * @param {Node[]} [kids]
 */
export function el(tag, o = {}, kids = []) {
  const e = document.createElement(tag);
  if (o.class) e.className = o.class;
  if (o.text !== undefined) e.textContent = o.text;
  if (o.title) e.title = o.title;
  for (const k of kids) e.append(k);
  return e;
}

/** @param {number} ms */
export function clock(ms) {
  const d = new Date(ms);
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

/** @param {any} ev */
function describeEvent(ev) {
  switch (ev.type) {
    case "Connect Agent State Change":
      return `Connect: ${ev.oldState || "(nothing)"} → ${ev.newState}`;
    case "Salesforce Agent State Change":
      return `Omni-Channel: status ${ev.statusApiName ?? ev.statusId}${ev.reason ? ` (${ev.reason})` : ""}`;
    case "Salesforce Agent Logout":
      return `Omni-Channel: logged out${ev.reason ? ` (${ev.reason})` : ""}`;
    case "Salesforce Work Accepted":
      return `Omni-Channel: work ${ev.workItemId} accepted${ev.serviceChannel ? ` on ${ev.serviceChannel}` : ""}`;
    case "Salesforce Workload Changed":
      return `Omni-Channel: workload ${ev.previousWorkload} → ${ev.newWorkload} of ${ev.configuredCapacity}`;
  }
  return String(ev.type);
}

/** @param {any} a */
function statusWord(a) {
  const why = a.error && (a.status === "retrying" || a.status === "failed") ? ` [${a.error}]` : "";
  return `${a.status}${a.attempt > 1 ? ` (try ${a.attempt})` : ""}${why}`;
}

/** @param {any} a @param {string[]} history */
function actionText(a, history) {
  return `→ ${a.destination} = ${a.value}${a.enqueueNextState ? " (as the next status)" : ""}: ${history.join(" · ")}${a.reason ? ` — ${a.reason}` : ""}`;
}

/**
 * @param {HTMLElement} list the `<ol>` of entries
 * @param {HTMLElement} hint shown while the log is empty
 */
export function createLog(list, hint) {
  /** @type {Map<string, {line: HTMLElement, history: string[]}>} action (writer tab and id) → its line */
  const actions = new Map();

  /** The first-load hint stays until the first decision or error (notes alone do not teach the log). */
  function updateHint() {
    hint.hidden = list.querySelector(":scope > li.decision, :scope > li.error") !== null;
  }

  /** @param {HTMLElement} item */
  function add(item) {
    list.prepend(item);
    while (list.childElementCount > MAX_ENTRIES) list.lastElementChild?.remove();
    updateHint();
  }

  /** @param {any} d */
  const fromTag = (d) => (d.remote ? [el("span", { class: "tag remote", text: "from the writer tab", title: `tab ${d.from}` })] : []);

  /** @param {any} a */
  const key = (a) => `${a.remote ? a.from : "self"}:${a.id}`;

  /** @param {any} d a decision's detail */
  function decision(d) {
    const head = el("div", { class: "head" }, [
      el("span", { class: "time", text: clock(d.time || Date.now()) }),
      el("span", { class: "event", text: describeEvent(d.event) }),
      ...fromTag(d),
    ]);
    if (d.echo) head.append(el("span", { class: "tag echo", text: "echo suppressed: this module's own write, no rule evaluated" }));
    if (d.reconcile) head.append(el("span", { class: "tag reconcile", text: "reconcile" }));
    const li = el("li", { class: "decision" + (d.remote ? " remote" : "") }, [head]);
    if (d.note) li.append(el("div", { class: "note", text: d.note }));
    const rules = Array.isArray(d.rules) ? d.rules : [];
    const considered = rules.filter((/** @type {any} */ r) => r.outcome !== "other-source");
    const other = rules.length - considered.length;
    if (!d.echo && !d.duplicate) {
      const ul = el("ul", { class: "rules" });
      for (const r of considered) {
        const fired = r.outcome === "matched";
        ul.append(el("li", { class: fired ? "fired" : "not", text: `${fired ? "✔ fired" : "✘ " + r.outcome}: ${r.name} — ${r.reason ?? ""}` }));
      }
      if (d.traced === false) ul.append(el("li", { class: "not", text: "(the writer tab did not trace its rules)" }));
      else if (!considered.length) ul.append(el("li", { class: "not", text: "no rule listens to this event" }));
      if (other) ul.append(el("li", { class: "not", text: `(${other} rule${other === 1 ? " listens" : "s listen"} to other events)` }));
      li.append(ul);
    }
    const acts = el("ul", { class: "actions" });
    for (const a0 of d.actions || []) {
      const a = { ...a0, remote: d.remote, from: d.from };
      const history = [statusWord(a)];
      const line = el("li", { text: actionText(a, history) });
      if (typeof a.id === "number") actions.set(key(a), { line, history });
      acts.append(line);
    }
    if ((d.actions || []).length) li.append(acts);
    add(li);
  }

  /** @param {any} a an action's detail: a change of a write's status */
  function action(a) {
    const known = typeof a.id === "number" ? actions.get(key(a)) : undefined;
    if (known) {
      if (known.history.at(-1) !== statusWord(a)) known.history.push(statusWord(a));
      known.line.textContent = actionText(a, known.history);
      known.line.className = a.status === "failed" ? "failed" : a.status === "applied" ? "applied" : "";
      return;
    }
    add(el("li", { class: "decision" }, [el("div", { class: "head" }, [
      el("span", { class: "time", text: clock(Date.now()) }),
      el("span", { text: `${a.rule}: ${actionText(a, [statusWord(a)])}` }),
      ...fromTag(a),
    ])]));
  }

  /** @param {any} e an error's detail */
  function error(e) {
    const li = el("li", { class: "error" }, [el("div", { class: "head" }, [
      el("span", { class: "time", text: clock(Date.now()) }),
      el("span", { class: "tag error", text: e.code }),
      ...fromTag(e),
      el("span", { class: "message", text: e.message }),
    ])]);
    if (Array.isArray(e.rules) && e.rules.length) li.append(el("div", { class: "note", text: `Rules involved: ${e.rules.join(", ")}` }));
    add(li);
  }

  /**
   * Something this tab did or became (rules applied, its role), in words.
   * @param {string} text
   * @param {"info" | "bad"} [kind]
   */
  function note(text, kind = "info") {
    add(el("li", { class: "note-entry " + kind }, [el("div", { class: "head" }, [
      el("span", { class: "time", text: clock(Date.now()) }),
      el("span", { text }),
    ])]));
  }

  function clear() {
    list.replaceChildren();
    actions.clear();
    updateHint();
  }

  updateHint();
  return { decision, action, error, note, clear };
}
