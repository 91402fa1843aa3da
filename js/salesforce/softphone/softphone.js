// @ts-check
/*
 * presence-sync page glue, loaded by the PresenceSyncSoftphone Visualforce page from the
 * PresenceSync static resource, after connect-streams.js, wasm_exec.js and presence-sync.js.
 * It starts the CCP, loads the sync rules, starts presence sync through its public API
 * (PresenceSync.start, its events, PresenceSync.salesforce.*) and shows what happens on the
 * page's status line. It decides nothing about syncing: that is the engine's job.
 *
 * window.PresenceSyncConfig (written by the page): mode ("lightning" | "classic"),
 * ccpContainerId, statusElementId, wasmUrl and rulesUrl (presence-sync.wasm and rules.json in
 * the static resource), catalogRemoteAction and rulesRemoteAction (the Visualforce Remoting
 * names of PresenceSyncController.getCatalogRemote and getRulesRemote), lightningOrigin (the
 * exact origin of the Presence Sync utility item, from the PresenceSyncOrigins Apex class).
 *
 * Lightning: the page runs inside the Presence Sync utility item (aura/PresenceSyncBridge),
 * which passes its properties in the page's URL (?ccpUrl=...&logLevel=...&timeoutMs=...) and
 * its relay token after "#relay=". No call center, no Open CTI.
 * Salesforce Classic console: the page is the call center's softphone; its settings are the
 * call center's "Presence Sync" section: /reqPresenceSync/reqConnectCcpUrl,
 * /reqPresenceSync/reqLogLevel (error | warn | info | debug), /reqPresenceSync/reqBridgeTimeoutMs.
 * An agent's browser can raise its own log level: localStorage.setItem("presenceSyncLogLevel", "debug").
 *
 * The rules: one Visualforce Remoting call at start (getRulesRemote) returns the active
 * Presence Sync Rule records that apply to the agent ({source, rules, records, criteriaJson,
 * profile, problems}); with source "none", or when the call fails, the static resource's
 * rules.json applies. Every problem is shown located: by record (API name) and field for
 * records, by rule number and field for rules.json.
 *
 * The status line (role="status"): what the page is doing (starting; waiting for
 * Omni-Channel, with the seconds; syncing N rules, from where, and whether this tab writes;
 * not syncing and why), every rule problem, and the last error (code, message, time).
 *
 * Exposes window.PresenceSyncSoftphone = {ready: Promise<sync | null>, sync, settings, rules,
 * status, recordField}. Without window.PresenceSyncConfig (a tool loading this file) it only
 * defines recordField.
 */
(function (global) {
  "use strict";

  /** @type {Record<string, any>} */
  const config = global.PresenceSyncConfig || {};
  /** @type {Record<string, number>} */
  const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
  const STATIC_RESOURCE = "the static resource";

  /**
   * @typedef {{severity?: string, code?: string, record?: string | null, label?: string | null,
   *   field?: string | null, value?: string | null, message?: string}} RecordProblem
   *   a problem PresenceSyncRules (Apex) found in a record
   * @typedef {{source: "records" | "static resource", text: string, count: number,
   *   records: string[] | null, criteriaJson: boolean[], problems: RecordProblem[]}} LoadedRules
   * @typedef {{text: string, severity: "error" | "warning"}} Shown
   */

  const page = {
    /** @type {Promise<any> | null} */ ready: null,
    /** @type {any} */ sync: null,
    /** @type {any} */ settings: null,
    /** @type {LoadedRules | null} */ rules: null,
    /** @type {ReturnType<typeof statusLine> | null} */ status: null,
    recordField,
  };
  global.PresenceSyncSoftphone = page;

  // ---- where a problem is: the record field behind a rule field -------------------------

  /** The record field behind each field of a rule as PresenceSyncRules writes it. */
  /** @type {Record<string, string>} */
  const RECORD_FIELDS = {
    name: "MasterLabel", active: "Active__c", source: "Source__c", destination: "Destination__c", state: "Value__c", value: "Value__c",
    cooldownMs: "Cooldown_Ms__c", description: "Description__c", operandA: "Operand_A__c", operandAValue: "Operand_A_Value__c",
    comparator: "Comparator__c", operandB: "Operand_B__c", operandBValue: "Operand_B_Value__c",
  };

  /** The keys of one criterion, each kept in its own field of a record without Criteria__c. */
  const CRITERION_KEYS = ["operandA", "operandAValue", "comparator", "operandB", "operandBValue"];

  /**
   * The Presence Sync Rule field a diagnostic's rule field comes from: "criteria.operandB" is
   * Operand_B__c for a rule built from the operand fields, and "Criteria__c (all[1].operandB)"
   * for one built from Criteria (JSON).
   * @param {string | null | undefined} field the engine's field path (criteria.all[1].operandA)
   * @param {boolean} [fromCriteriaJson] the rule's criteria came from Criteria__c
   * @returns {string} "" when the diagnostic names no field
   */
  function recordField(field, fromCriteriaJson) {
    if (!field) return "";
    if (field === "criteria") return "Criteria__c";
    if (field.startsWith("criteria.") || field.startsWith("criteria[")) {
      const rest = field.slice("criteria".length).replace(/^\./, "");
      if (!fromCriteriaJson && CRITERION_KEYS.includes(rest)) return RECORD_FIELDS[rest];
      return `Criteria__c (${rest})`;
    }
    return Object.prototype.hasOwnProperty.call(RECORD_FIELDS, field) ? RECORD_FIELDS[field] : field;
  }

  /**
   * Where rule `index` (and its field) is, in the admin's words.
   * @param {LoadedRules} rules
   * @param {number | undefined} index
   * @param {string | undefined} ruleName
   * @param {string | undefined} field
   */
  function whereInRules(rules, index, ruleName, field) {
    const hasIndex = typeof index === "number" && index >= 0;
    if (rules.records && hasIndex && rules.records[index] !== undefined) {
      const f = recordField(field, rules.criteriaJson[index] === true);
      return `record ${rules.records[index]}${f ? `, field ${f}` : ""}`;
    }
    const doc = rules.source === "records" ? "the records' rules" : "rules.json";
    const rule = hasIndex ? `, rule ${index + 1}${ruleName ? ` "${ruleName}"` : ""}` : "";
    return `${doc}${rule}${field ? `, field ${field}` : ""}`;
  }

  /** @param {RecordProblem} p */
  function recordProblemText(p) {
    const where = p.record ? `record ${p.record}${p.field ? `, field ${p.field}` : ""}` : "";
    return `${where ? `${where}: ` : ""}${p.message || p.code || "a problem"}`;
  }

  /**
   * Every problem of a refused rules document, located; a record's problem found by Apex
   * first, and the engine's problem at the same record and field only when Apex had none.
   * @param {LoadedRules} rules
   * @param {any[]} engineProblems the `problems` of an invalid-rules error
   * @returns {Shown[]}
   */
  function rulesProblems(rules, engineProblems) {
    /** @type {Shown[]} */
    const out = [];
    const seen = new Set();
    for (const p of rules.problems) {
      if (p.record && p.field && p.severity === "error") seen.add(`${p.record}\u0000${p.field}`);
    }
    for (const d of engineProblems) {
      if (!d || typeof d !== "object") continue;
      const index = typeof d.ruleIndex === "number" ? d.ruleIndex : undefined;
      if (rules.records && index !== undefined && index >= 0 && rules.records[index] !== undefined) {
        const field = recordField(d.field, rules.criteriaJson[index] === true);
        if (seen.has(`${rules.records[index]}\u0000${field}`)) continue;
      }
      const where = whereInRules(rules, index, d.ruleName, d.field);
      out.push({ text: `${where}: ${d.message || d.code}`, severity: d.severity === "warning" ? "warning" : "error" });
    }
    return out;
  }

  /** @param {LoadedRules} rules @returns {Shown[]} */
  function loadProblems(rules) {
    return rules.problems.map((p) => ({ text: recordProblemText(p), severity: p.severity === "warning" ? "warning" : "error" }));
  }

  /** @param {number} n @param {string} word */
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  /** @param {LoadedRules} rules */
  function fromWhere(rules) {
    return rules.source === "records" ? "from records" : `from ${STATIC_RESOURCE}`;
  }

  // ---- logging --------------------------------------------------------------------------

  /** @param {unknown} value @param {string} fallback */
  function levelFrom(value, fallback) {
    const v = typeof value === "string" ? value.trim().toLowerCase() : "";
    return Object.prototype.hasOwnProperty.call(LEVELS, v) ? v : fallback;
  }

  function storedLevel() {
    try {
      return global.localStorage ? global.localStorage.getItem("presenceSyncLogLevel") : null;
    } catch {
      return null; // storage blocked in this frame
    }
  }

  /** @param {string} level */
  function makeLog(level) {
    const limit = LEVELS[level];
    const out = global.console;
    /** @param {string} lvl @param {string} message @param {unknown} [detail] */
    return (lvl, message, detail) => {
      if (!out || LEVELS[lvl] === undefined || LEVELS[lvl] > limit) return;
      const fn = out[lvl === "debug" ? "debug" : lvl] || out.log;
      if (detail === undefined) fn.call(out, `[presence-sync] ${message}`);
      else fn.call(out, `[presence-sync] ${message}`, detail);
    };
  }

  // ---- the status line ------------------------------------------------------------------

  /** Its look, kept with the code that fills it: small, and wrapping at the utility bar's width. */
  const STATUS_CSS =
    ".ps-status{font:12px/1.4 system-ui,sans-serif;color:#181818;padding:4px 8px;border-bottom:1px solid #dddbda;" +
    "overflow-wrap:anywhere;max-height:45vh;overflow-y:auto}" +
    ".ps-status p{margin:0}.ps-status ul{margin:2px 0 0;padding-left:16px}" +
    ".ps-status li{margin:1px 0}.ps-status .ps-error{color:#ba0517}.ps-status .ps-warning{color:#8c4b02}" +
    ".ps-status .ps-elapsed{color:#5c5c5c}.ps-status [hidden]{display:none}";

  /**
   * The status line: a state line (with the seconds while waiting), the list of problems and
   * the last error. Each part is updated only when it changes, so that a screen reader
   * announces changes once; the ticking seconds are hidden from it.
   * @param {any} doc
   * @param {any} element
   */
  function statusLine(doc, element) {
    const model = {
      state: "",
      /** @type {Shown[]} */ problems: [],
      /** @type {{code: string, message: string, time: number, count: number} | null} */ lastError: null,
      waitingSince: 0,
      elapsed: "",
    };
    /** @type {any} */
    let timer = null;
    /** @type {Record<string, any>} */
    const parts = {};
    if (element && doc && typeof doc.createElement === "function") {
      if (doc.head && !doc.getElementById("presence-sync-status-style")) {
        const style = doc.createElement("style");
        style.id = "presence-sync-status-style";
        style.textContent = STATUS_CSS;
        doc.head.appendChild(style);
      }
      element.className = `${element.className ? `${element.className} ` : ""}ps-status`;
      element.setAttribute("role", "status");
      element.setAttribute("aria-live", "polite");
      element.textContent = "";
      /** @param {string} tag @param {string} className @param {any} parent */
      const make = (tag, className, parent) => {
        const e = doc.createElement(tag);
        e.className = className;
        return parent.appendChild(e);
      };
      const stateLine = make("p", "ps-state", element);
      parts.state = make("span", "", stateLine);
      parts.elapsed = make("span", "ps-elapsed", stateLine);
      parts.elapsed.setAttribute("aria-hidden", "true");
      parts.problems = make("ul", "ps-problems", element);
      parts.lastError = make("p", "ps-last-error ps-error", element);
    }

    /** @param {number} ms */
    const clock = (ms) => new Date(ms).toTimeString().slice(0, 8);

    function lastErrorText() {
      const e = model.lastError;
      if (!e) return "";
      const more = e.count > 1 ? ` (${plural(e.count, "error")} since start)` : "";
      return `Last error ${clock(e.time)}${more}: ${e.code ? `${e.code}: ` : ""}${e.message}`;
    }

    /** @param {"state" | "elapsed" | "problems" | "lastError"} which */
    function render(which) {
      if (!parts.state) return;
      if (which === "state") parts.state.textContent = model.state;
      if (which === "elapsed") parts.elapsed.textContent = model.elapsed;
      if (which === "problems") {
        parts.problems.textContent = "";
        for (const p of model.problems) {
          const li = doc.createElement("li");
          li.className = p.severity === "warning" ? "ps-warning" : "ps-error";
          li.textContent = p.severity === "warning" ? `Warning: ${p.text}` : p.text;
          parts.problems.appendChild(li);
        }
        parts.problems.hidden = model.problems.length === 0;
      }
      if (which === "lastError") {
        parts.lastError.textContent = lastErrorText();
        parts.lastError.hidden = !model.lastError;
      }
    }

    function stopTicking() {
      if (timer !== null) global.clearInterval(timer);
      timer = null;
      if (model.elapsed) {
        model.elapsed = "";
        render("elapsed");
      }
    }

    function tick() {
      model.elapsed = ` (${Math.round((Date.now() - model.waitingSince) / 1000)} s)`;
      render("elapsed");
    }

    const line = {
      /** @param {string} state */
      set(state) {
        stopTicking();
        if (state !== model.state) {
          model.state = state;
          render("state");
        }
      },
      /** The state, with the seconds since the page started ticking after it. @param {string} state */
      waiting(state) {
        line.set(state);
        tick();
        timer = global.setInterval(tick, 1000);
      },
      /** @param {Shown[]} problems */
      problems(problems) {
        model.problems = problems.slice();
        render("problems");
      },
      /** @param {string | undefined} code @param {string} message */
      fail(code, message) {
        const count = model.lastError ? model.lastError.count + 1 : 1;
        model.lastError = { code: code || "", message, time: Date.now(), count };
        render("lastError");
      },
      /** What the line shows, as data (for tests and for a look from the browser's console). */
      snapshot() {
        return { state: model.state + model.elapsed, problems: model.problems.map((p) => ({ ...p })), lastError: model.lastError ? { ...model.lastError, text: lastErrorText() } : null };
      },
      /** The line as one text. */
      get text() {
        const problems = model.problems.map((p) => (p.severity === "warning" ? `Warning: ${p.text}` : p.text));
        return [model.state + model.elapsed, ...problems, lastErrorText()].filter(Boolean).join("\n");
      },
    };
    model.waitingSince = Date.now();
    line.set("Starting presence sync\u2026");
    render("problems");
    render("lastError");
    return line;
  }

  // ---- settings -------------------------------------------------------------------------

  /** The call center's settings (Classic), keyed "/section/item". @param {any} sforce */
  function callCenterSettings(sforce) {
    return new Promise((resolve, reject) => {
      sforce.interaction.cti.getCallCenterSettings((/** @type {any} */ response) => {
        if (response && response.result) {
          try {
            resolve(JSON.parse(response.result));
          } catch (e) {
            reject(e);
          }
        } else {
          reject(new Error(`Could not read the call center settings: ${response && response.error}`));
        }
      });
    });
  }

  /** The utility item's properties (Lightning), from this page's URL. */
  function utilitySettings() {
    const settings = { ccpUrl: "", logLevel: "", timeoutMs: "", relayToken: "" };
    const search = (global.location && global.location.search) || "";
    for (const pair of search.replace(/^\?/, "").split("&")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const key = decodeURIComponent(pair.slice(0, eq));
      const value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, " "));
      if (key === "ccpUrl" || key === "logLevel" || key === "timeoutMs") settings[key] = value;
    }
    const hash = /(?:^#|&)relay=([A-Za-z0-9]+)/.exec((global.location && global.location.hash) || "");
    settings.relayToken = hash ? hash[1] : "";
    return settings;
  }

  // ---- Apex and the static resource -----------------------------------------------------

  /**
   * A @RemoteAction of PresenceSyncController through Visualforce Remoting. escape: false,
   * since Remoting HTML-escapes the strings of a result by default ("Configuring JavaScript
   * Remoting Requests", Visualforce Developer Guide), which would break the rules' JSON text.
   * @param {string} action
   * @returns {Promise<any>}
   */
  function remote(action) {
    return new Promise((resolve, reject) => {
      global.Visualforce.remoting.Manager.invokeAction(
        action,
        (/** @type {any} */ result, /** @type {any} */ event) => {
          if (event && event.status) resolve(result);
          else reject({ type: (event && event.type) || "RemotingException", message: (event && event.message) || "Visualforce Remoting failed" });
        },
        { buffer: false, escape: false, timeout: 30000 },
      );
    });
  }

  const remoteCatalog = () => remote(config.catalogRemoteAction);

  /** @param {string} url */
  async function staticRules(url) {
    const response = await global.fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`Could not load the sync rules (${url}): HTTP ${response.status}`);
    return response.text();
  }

  /** @param {string} text */
  function activeRules(text) {
    try {
      const doc = JSON.parse(text);
      return Array.isArray(doc && doc.rules) ? doc.rules.filter((/** @type {any} */ r) => r && r.active !== false).length : 0;
    } catch {
      return 0;
    }
  }

  /**
   * The rules: the records that apply to this agent (one Remoting call), else rules.json of
   * the static resource, with every problem met on the way.
   * @param {(lvl: string, message: string, detail?: unknown) => void} log
   * @returns {Promise<LoadedRules>}
   */
  async function loadRules(log) {
    /** @type {RecordProblem[]} */
    let problems = [];
    try {
      const r = await remote(config.rulesRemoteAction);
      problems = Array.isArray(r && r.problems) ? r.problems.filter((/** @type {any} */ p) => p && typeof p === "object") : [];
      if (r && r.source === "records" && typeof r.rules === "string") {
        const records = Array.isArray(r.records) ? r.records.map(String) : [];
        const criteriaJson = Array.isArray(r.criteriaJson) ? r.criteriaJson.map((/** @type {any} */ b) => b === true) : [];
        log("info", `Rules: ${records.length} Presence Sync Rule record(s): ${records.join(", ")}.`);
        return { source: "records", text: r.rules, count: activeRules(r.rules), records, criteriaJson, problems };
      }
    } catch (e) {
      const err = /** @type {any} */ (e) || {};
      log("error", "Could not read the Presence Sync Rule records; using the static resource's rules.", e);
      problems = [{ severity: "warning", code: "records-unavailable", message: `Could not read the Presence Sync Rule records (${err.type || "error"}: ${err.message || String(e)}); the static resource's rules apply.` }];
    }
    const text = await staticRules(config.rulesUrl);
    log("info", `Rules: rules.json of the static resource.`);
    return { source: "static resource", text, count: activeRules(text), records: null, criteriaJson: [], problems };
  }

  // ---- the two hosts --------------------------------------------------------------------

  /** @param {string} value */
  function validCcpUrl(value) {
    return typeof value === "string" && /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/.test(value);
  }

  /**
   * Everything the mode decides: settings, the CCP URL, the Salesforce adapter.
   * @param {any} sforce
   * @param {any} PresenceSync
   */
  async function prepare(sforce, PresenceSync) {
    if (config.mode === "lightning") {
      const s = utilitySettings();
      return {
        settings: s,
        ccpUrl: s.ccpUrl,
        level: s.logLevel,
        timeoutMs: parseInt(s.timeoutMs, 10),
        where: "the Presence Sync utility item's properties (App Manager > your app > Utility Items)",
        /** @param {number} timeoutMs @param {Function} log */
        adapter: (timeoutMs, log) =>
          PresenceSync.salesforce.lightning({ parentOrigin: config.lightningOrigin, relayToken: s.relayToken, catalog: remoteCatalog, timeoutMs, log }),
      };
    }
    const settings = await callCenterSettings(sforce);
    return {
      settings,
      ccpUrl: settings["/reqPresenceSync/reqConnectCcpUrl"],
      level: settings["/reqPresenceSync/reqLogLevel"],
      timeoutMs: parseInt(settings["/reqPresenceSync/reqBridgeTimeoutMs"], 10),
      where: "the call center (Presence Sync section)",
      /** @param {number} timeoutMs @param {Function} log */
      adapter: (timeoutMs, log) => {
        if (!sforce.console || typeof sforce.console.isInConsole !== "function" || !sforce.console.isInConsole()) return null;
        return PresenceSync.salesforce.console(sforce, { catalog: remoteCatalog, timeoutMs, log });
      },
    };
  }

  // ---- start ----------------------------------------------------------------------------

  /**
   * Shows a running sync's events on the status line.
   * @param {any} sync
   * @param {LoadedRules} rules
   * @param {ReturnType<typeof statusLine>} status
   * @param {(lvl: string, message: string, detail?: unknown) => void} log
   */
  function follow(sync, rules, status, log) {
    const syncing = (/** @type {boolean} */ writer) =>
      `Syncing: ${plural(rules.count, "rule")} ${fromWhere(rules)} (${writer ? "this tab writes" : "another tab of this agent writes"})`;
    sync.addEventListener("leader", (/** @type {any} */ e) => status.set(syncing(!(e.detail && e.detail.leader === false))));
    sync.addEventListener("error", (/** @type {any} */ e) => {
      const d = e.detail || {};
      log("error", d.message, d);
      if (d.waiting === true) {
        status.waiting(d.message);
        return;
      }
      // A target missing from the org (unknown-state) is the rule's state: the record's Value__c.
      const field = d.field || (d.code === "unknown-state" ? "state" : undefined);
      const where = typeof d.ruleIndex === "number" && d.ruleIndex >= 0 ? `${whereInRules(rules, d.ruleIndex, d.rule, field)}: ` : "";
      status.fail(d.code, `${d.remote ? "(the writer tab) " : ""}${where}${d.message}`);
      if (d.code === "start-failed") status.set("Not syncing: presence sync could not start (below).");
    });
    sync.addEventListener("action", (/** @type {any} */ e) => log("info", "action", e.detail));
    sync.addEventListener("decision", (/** @type {any} */ e) => log("debug", "decision", e.detail));
  }

  /**
   * Shows why start was refused.
   * @param {any} error
   * @param {LoadedRules | null} rules
   * @param {ReturnType<typeof statusLine>} status
   */
  function refused(error, rules, status) {
    const message = error && error.message ? error.message : String(error);
    const code = error && error.code;
    if (code === "invalid-rules" && rules) {
      const shown = [...loadProblems(rules), ...rulesProblems(rules, Array.isArray(error.problems) ? error.problems : [])];
      const errors = shown.filter((p) => p.severity === "error").length;
      status.problems(shown);
      status.set(`Not syncing: the rules ${fromWhere(rules)} have ${plural(errors || 1, "problem")}.`);
      status.fail(code, `the rules ${fromWhere(rules)} were refused; nothing was written.`);
      return;
    }
    status.set(code === "wasm-blocked" ? "Not syncing: this page's Content-Security-Policy blocks WebAssembly." : "Not syncing: presence sync could not start (below).");
    status.fail(code, message);
  }

  async function run() {
    const sforce = global.sforce;
    const PresenceSync = global.PresenceSync;
    const doc = global.document;
    const status = statusLine(doc, doc && config.statusElementId ? doc.getElementById(config.statusElementId) : null);
    page.status = status;
    const bootLog = makeLog(levelFrom(storedLevel(), "warn"));
    if (!PresenceSync || !global.connect || (config.mode !== "lightning" && !sforce)) {
      bootLog("error", "The page is missing connect, PresenceSync or (Classic) sforce; check the static resource and the page's scripts.");
      status.set("Not syncing: the page's scripts did not load (the PresenceSync static resource).");
      return null;
    }
    /** @type {LoadedRules | null} */
    let rules = null;
    try {
      const p = await prepare(sforce, PresenceSync);
      page.settings = p.settings;
      const level = levelFrom(storedLevel(), levelFrom(p.level, "warn"));
      const log = makeLog(level);
      if (!validCcpUrl(p.ccpUrl)) {
        log("error", `Set the Amazon Connect CCP URL in ${p.where}.`);
        status.set(`Not syncing: set the Amazon Connect CCP URL in ${p.where}.`);
        return null;
      }
      const timeoutMs = p.timeoutMs > 0 ? p.timeoutMs : 5000;

      global.connect.core.initCCP(doc.getElementById(config.ccpContainerId), {
        ccpUrl: p.ccpUrl,
        loginPopup: true,
        loginPopupAutoClose: true,
        softphone: { allowFramedSoftphone: true },
      });

      const salesforce = p.adapter(timeoutMs, log);
      if (!salesforce) {
        log("warn", "Presence sync works in Lightning apps and the Salesforce Classic console only; not started.");
        status.set("Not syncing: presence sync works in Lightning apps and the Salesforce Classic console only.");
        return null;
      }

      rules = await loadRules(log);
      page.rules = rules;
      status.problems(loadProblems(rules));
      log("info", `Starting presence sync (${config.mode}).`);
      const sync = await PresenceSync.start({ wasmUrl: config.wasmUrl, rules: rules.text, connect: global.connect, salesforce, options: { logLevel: level } });
      page.sync = sync;
      follow(sync, rules, status, log);
      log("info", "Presence sync started.");
      return sync;
    } catch (error) {
      bootLog("error", `Presence sync did not start: ${error && /** @type {any} */ (error).message ? /** @type {any} */ (error).message : String(error)}`, error);
      refused(error, rules, status);
      return null;
    }
  }

  page.ready = global.PresenceSyncConfig ? run() : Promise.resolve(null);
})(/** @type {any} */ (typeof window !== "undefined" ? window : globalThis));
