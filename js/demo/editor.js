// @ts-check
// The demo's rules editor: a plain textarea (no wrapping, so that a line is a line) with a
// line-number gutter and marks under each problem, checked by the module's own lint
// (PresenceSync.lint: the same check as `presencesync lint` and as start's) as the admin
// types, after a pause. Every problem is listed with its line and column; choosing one puts
// the cursor on it. Keyboard: Tab leaves the editor as usual, Ctrl+Enter (⌘+Enter) applies.
// Everything is rendered as text.

/** Milliseconds of quiet typing before the rules are checked. */
export const LINT_DELAY_MS = 300;

/**
 * @typedef {import("/dist/presence-sync.mjs").Problem} Problem
 * @typedef {import("/dist/presence-sync.mjs").LintResult} LintResult
 */

/**
 * Where a problem's JSON token starts and how long it is: a string with its quotes, else up
 * to the next delimiter (at least one character).
 * @param {string} line
 * @param {number} col 1-based, in characters
 */
function tokenAt(line, col) {
  const i = Math.max(0, col - 1);
  if (line[i] === '"') {
    let j = i + 1;
    while (j < line.length && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
    return Math.min(j + 1, line.length) - i || 1;
  }
  const m = /^[^\s,}\]:]+/.exec(line.slice(i));
  return m ? m[0].length : 1;
}

/** The on-screen column of character `col` (tabs are two columns wide, as the CSS sets). @param {string} line @param {number} col */
function visualColumn(line, col) {
  let v = 0;
  for (let i = 0; i < col - 1 && i < line.length; i++) v += line[i] === "\t" ? 2 - (v % 2) : 1;
  return v;
}

/** @param {Problem} p */
export function problemText(p) {
  const where = [];
  if (p.line > 0) where.push(`Line ${p.line}, column ${p.column}`);
  where.push(p.severity);
  if (p.ruleIndex >= 0) where.push(`rules[${p.ruleIndex}]${p.ruleName ? ` "${p.ruleName}"` : ""}`);
  else where.push("document");
  if (p.field) where.push(p.field);
  return `${where.join(" · ")}: ${p.message}`;
}

/**
 * @param {{
 *   textarea: HTMLTextAreaElement, gutter: HTMLElement, marks: HTMLElement, summary: HTMLElement,
 *   list: HTMLElement, lint: (text: string) => Promise<LintResult>, onApply: () => void,
 * }} o
 */
export function createEditor(o) {
  const { textarea, gutter, marks, summary, list } = o;
  /** the text last applied (or loaded from the rules in force): the editor is dirty when it differs */
  let baseline = "";
  let seq = 0;
  /** @type {any} */
  let timer = null;
  /** @type {LintResult | null} */
  let last = null;
  /** @type {Problem[]} */
  let shown = [];

  const lineHeight = () => parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  const padTop = () => parseFloat(getComputedStyle(textarea).paddingTop) || 0;
  const padLeft = () => parseFloat(getComputedStyle(textarea).paddingLeft) || 0;

  function syncScroll() {
    gutter.scrollTop = textarea.scrollTop;
    marks.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
  }

  /** Line numbers, each problem's line marked (its messages as the number's tooltip), and a mark under each problem's token. */
  function drawMarks() {
    const lines = textarea.value.split("\n");
    /** @type {Map<number, Problem[]>} */
    const byLine = new Map();
    for (const p of shown) if (p.line > 0) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
    const nums = [];
    for (let i = 1; i <= lines.length; i++) {
      const d = document.createElement("div");
      d.textContent = String(i);
      const ps = byLine.get(i);
      if (ps) {
        d.className = ps.some((p) => p.severity === "error") ? "error" : "warning";
        d.title = ps.map(problemText).join("\n");
      }
      nums.push(d);
    }
    gutter.replaceChildren(...nums);
    const lh = lineHeight();
    const top = padTop();
    const left = padLeft();
    const ms = [];
    for (const p of shown) {
      if (p.line <= 0 || p.line > lines.length) continue;
      const line = lines[p.line - 1];
      const band = document.createElement("div");
      band.className = `mark-line ${p.severity}`;
      band.style.top = `${top + (p.line - 1) * lh}px`;
      band.style.height = `${lh}px`;
      const under = document.createElement("div");
      under.className = `mark ${p.severity}`;
      under.style.top = `${top + (p.line - 1) * lh}px`;
      under.style.height = `${lh}px`;
      under.style.left = `calc(${left}px + ${visualColumn(line, p.column)}ch)`;
      under.style.width = `${Math.min(tokenAt(line, p.column), 60)}ch`;
      ms.push(band, under);
    }
    marks.replaceChildren(...ms);
    syncScroll();
  }

  /** @param {LintResult | null} r @param {string} [note] what the summary adds (applied or not) */
  function show(r, note = "") {
    last = r;
    shown = r ? r.problems : [];
    const errors = shown.filter((p) => p.severity === "error").length;
    const warnings = shown.length - errors;
    const parts = [];
    if (!r) parts.push("Checking…");
    else if (!shown.length) parts.push("✓ No problems.");
    else parts.push(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}.`);
    if (r && dirty()) parts.push("Edited: not applied yet.");
    if (note) parts.push(note);
    summary.textContent = parts.join(" ");
    summary.className = "summary" + (errors ? " bad" : warnings ? " warn" : r ? " ok" : "");
    list.replaceChildren(
      ...shown.map((p) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = `problem ${p.severity}`;
        b.textContent = problemText(p);
        b.addEventListener("click", () => focusProblem(p));
        const li = document.createElement("li");
        li.append(b);
        return li;
      }),
    );
    textarea.setAttribute("aria-invalid", errors ? "true" : "false");
    drawMarks();
  }

  /** Puts the cursor on a problem's token and scrolls it into view. @param {Problem} p */
  function focusProblem(p) {
    if (p.line <= 0) return;
    const lines = textarea.value.split("\n");
    let offset = 0;
    for (let i = 0; i < p.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    const start = offset + Math.max(0, p.column - 1);
    textarea.focus();
    textarea.setSelectionRange(start, start + tokenAt(lines[p.line - 1] ?? "", p.column));
    textarea.scrollTop = Math.max(0, (p.line - 4) * lineHeight());
    syncScroll();
  }

  /**
   * Checks the text now; the newest check wins when several overlap.
   * @param {string} [note]
   * @returns {Promise<LintResult>}
   */
  async function check(note) {
    clearTimeout(timer);
    const mine = ++seq;
    const text = textarea.value;
    let r;
    try {
      r = await o.lint(text);
    } catch (e) {
      r = { ok: false, problems: [/** @type {Problem} */ ({ severity: "error", code: "lint-failed", ruleIndex: -1, ruleName: "", field: "", value: "", allowed: [], suggestion: "", line: 0, column: 0, message: `The rules could not be checked: ${/** @type {Error} */ (e).message}`, snippet: "" })] };
    }
    if (mine === seq && text === textarea.value) show(r, note);
    return r;
  }

  function dirty() {
    return textarea.value !== baseline;
  }

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    drawMarks(); // line numbers follow the text at once; marks stay until the next check
    summary.textContent = "Checking…";
    summary.className = "summary";
    timer = setTimeout(() => void check(), LINT_DELAY_MS);
  });
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      o.onApply();
    }
  });

  return {
    /** The editor's text. */
    get text() {
      return textarea.value;
    },
    /** The last check's result (null before the first). */
    get result() {
      return last;
    },
    get dirty() {
      return dirty();
    },
    /**
     * Replaces the text and checks it. `clean`: it is the text in force (not an edit).
     * @param {string} text
     * @param {{clean?: boolean}} [opts]
     */
    setText(text, opts = {}) {
      textarea.value = text;
      if (opts.clean) baseline = text;
      textarea.scrollTop = 0;
      return check();
    },
    /** The text now in force (after an apply): the editor is clean when it holds it. @param {string} text */
    markApplied(text) {
      baseline = text;
    },
    check,
    show,
    focusProblem,
  };
}
