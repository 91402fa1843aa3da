/*
 * presence-sync page glue, loaded by the PresenceSyncSoftphone Visualforce page from the
 * PresenceSync static resource, after connect-streams.js, wasm_exec.js and presence-sync.js.
 *
 * Reads window.PresenceSyncConfig (written by the page):
 *   mode                "lightning" | "classic"
 *   ccpContainerId      the element the CCP goes in
 *   statusElementId     the status line's element
 *   wasmUrl, rulesUrl   presence-sync.wasm and rules.json in the static resource
 *   catalogRemoteAction Visualforce Remoting name of PresenceSyncController.getCatalogRemote
 *   lightningOrigin     (Lightning) the exact origin of the Presence Sync utility item, from
 *                       the PresenceSyncOrigins Apex class
 *
 * Lightning: the page runs inside the Presence Sync utility item (aura/PresenceSyncBridge),
 * which passes its properties in the page's URL (?ccpUrl=...&logLevel=...&timeoutMs=...) and
 * its relay token after "#relay=". No call center, no Open CTI.
 * Salesforce Classic console: the page is the call center's softphone; its settings are the
 * call center's "Presence Sync" section:
 *   /reqPresenceSync/reqConnectCcpUrl     the Amazon Connect CCP URL
 *   /reqPresenceSync/reqLogLevel          error | warn | info | debug
 *   /reqPresenceSync/reqBridgeTimeoutMs   how long to wait for Omni-Channel to answer
 * An agent's browser can raise its own log level with
 *   localStorage.setItem("presenceSyncLogLevel", "debug")
 *
 * The status line says what the page is doing: starting, waiting for Omni-Channel (and for
 * how long), syncing (how many rules), and the last error.
 *
 * Exposes window.PresenceSyncSoftphone = {ready: Promise<sync | null>, sync, settings, status}.
 */
(function (global) {
  "use strict";

  var config = global.PresenceSyncConfig || {};
  var LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
  var page = { ready: null, sync: null, settings: null, status: null };
  global.PresenceSyncSoftphone = page;

  function levelFrom(value, fallback) {
    var v = typeof value === "string" ? value.trim().toLowerCase() : "";
    return Object.prototype.hasOwnProperty.call(LEVELS, v) ? v : fallback;
  }

  function storedLevel() {
    try {
      return global.localStorage ? global.localStorage.getItem("presenceSyncLogLevel") : null;
    } catch (e) {
      return null; // storage blocked in this frame
    }
  }

  function makeLog(level) {
    var limit = LEVELS[level];
    var out = global.console;
    return function (lvl, message, detail) {
      if (!out || LEVELS[lvl] === undefined || LEVELS[lvl] > limit) return;
      var fn = out[lvl === "debug" ? "debug" : lvl] || out.log;
      if (detail === undefined) fn.call(out, "[presence-sync] " + message);
      else fn.call(out, "[presence-sync] " + message, detail);
    };
  }

  // The status line: a state ("Starting", "Waiting for Omni-Channel ... (12 s)", "Syncing: 9
  // rules") and the last error. Text only.
  function statusLine() {
    var doc = global.document;
    var element = doc && config.statusElementId ? doc.getElementById(config.statusElementId) : null;
    var line = { state: "", error: "", waitingSince: 0, waitingText: "", timer: null };
    function show() {
      var text = line.state + (line.error ? " \u2014 last error: " + line.error : "");
      if (element) element.textContent = text;
      line.text = text;
    }
    function stopTicking() {
      if (line.timer !== null) global.clearInterval(line.timer);
      line.timer = null;
    }
    function tick() {
      var seconds = Math.round((Date.now() - line.waitingSince) / 1000);
      line.state = line.waitingText + " (" + seconds + " s)";
      show();
    }
    line.set = function (state) {
      stopTicking();
      line.state = state;
      show();
    };
    line.waiting = function (text) {
      stopTicking();
      line.waitingText = text;
      tick();
      line.timer = global.setInterval(tick, 1000);
    };
    line.fail = function (code, message) {
      line.error = (code ? code + ": " : "") + message;
      show();
    };
    line.set("Starting presence sync\u2026");
    line.waitingSince = Date.now();
    return line;
  }

  // The call center's settings (Classic), keyed "/section/item".
  function callCenterSettings(sforce) {
    return new Promise(function (resolve, reject) {
      sforce.interaction.cti.getCallCenterSettings(function (response) {
        if (response && response.result) {
          try {
            resolve(JSON.parse(response.result));
          } catch (e) {
            reject(e);
          }
        } else {
          reject(new Error("Could not read the call center settings: " + (response && response.error)));
        }
      });
    });
  }

  // The utility item's properties (Lightning), from this page's URL.
  function utilitySettings() {
    var settings = { ccpUrl: "", logLevel: "", timeoutMs: "", relayToken: "" };
    var search = (global.location && global.location.search) || "";
    var pairs = search.replace(/^\?/, "").split("&");
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf("=");
      if (eq <= 0) continue;
      var key = decodeURIComponent(pairs[i].slice(0, eq));
      var value = decodeURIComponent(pairs[i].slice(eq + 1).replace(/\+/g, " "));
      if (key === "ccpUrl" || key === "logLevel" || key === "timeoutMs") settings[key] = value;
    }
    var hash = /(?:^#|&)relay=([A-Za-z0-9]+)/.exec((global.location && global.location.hash) || "");
    settings.relayToken = hash ? hash[1] : "";
    return settings;
  }

  // PresenceSyncController.getCatalogRemote through Visualforce Remoting.
  function remoteCatalog() {
    return new Promise(function (resolve, reject) {
      global.Visualforce.remoting.Manager.invokeAction(
        config.catalogRemoteAction,
        function (result, event) {
          if (event && event.status) resolve(result);
          else reject({ type: (event && event.type) || "RemotingException", message: (event && event.message) || "Visualforce Remoting failed" });
        },
        { buffer: false, escape: false, timeout: 30000 }
      );
    });
  }

  function loadRules(url) {
    return global.fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("Could not load the sync rules (" + url + "): HTTP " + response.status);
      return response.text();
    });
  }

  function activeRules(text) {
    try {
      var doc = JSON.parse(text);
      var n = 0;
      for (var i = 0; doc && doc.rules && i < doc.rules.length; i++) if (doc.rules[i] && doc.rules[i].active !== false) n++;
      return n;
    } catch (e) {
      return 0;
    }
  }

  function validCcpUrl(value) {
    return typeof value === "string" && /^https?:\/\/[^\s\/?#]+(?:[\/?#]\S*)?$/.test(value);
  }

  // Everything the mode decides: settings, the CCP URL, the Salesforce adapter.
  function prepare(sforce, PresenceSync) {
    if (config.mode === "lightning") {
      var s = utilitySettings();
      return Promise.resolve({
        settings: s,
        ccpUrl: s.ccpUrl,
        level: s.logLevel,
        timeoutMs: parseInt(s.timeoutMs, 10),
        where: "the Presence Sync utility item's properties (App Manager > your app > Utility Items)",
        adapter: function (timeoutMs, log) {
          return PresenceSync.salesforce.lightning({
            parentOrigin: config.lightningOrigin,
            relayToken: s.relayToken,
            catalog: remoteCatalog,
            timeoutMs: timeoutMs,
            log: log
          });
        }
      });
    }
    return callCenterSettings(sforce).then(function (settings) {
      return {
        settings: settings,
        ccpUrl: settings["/reqPresenceSync/reqConnectCcpUrl"],
        level: settings["/reqPresenceSync/reqLogLevel"],
        timeoutMs: parseInt(settings["/reqPresenceSync/reqBridgeTimeoutMs"], 10),
        where: "the call center (Presence Sync section)",
        adapter: function (timeoutMs, log) {
          if (!sforce.console || typeof sforce.console.isInConsole !== "function" || !sforce.console.isInConsole()) {
            return null;
          }
          return PresenceSync.salesforce.console(sforce, { catalog: remoteCatalog, timeoutMs: timeoutMs, log: log });
        }
      };
    });
  }

  function run() {
    var sforce = global.sforce;
    var PresenceSync = global.PresenceSync;
    var status = statusLine();
    page.status = status;
    var bootLog = makeLog(levelFrom(storedLevel(), "warn"));
    if (!PresenceSync || !global.connect || (config.mode !== "lightning" && !sforce)) {
      bootLog("error", "The page is missing connect, PresenceSync or (Classic) sforce; check the static resource and the page's scripts.");
      status.set("Not started: the page's scripts did not load.");
      return Promise.resolve(null);
    }
    var level = "warn";
    return prepare(sforce, PresenceSync).then(function (p) {
      page.settings = p.settings;
      level = levelFrom(storedLevel(), levelFrom(p.level, "warn"));
      var log = makeLog(level);
      if (!validCcpUrl(p.ccpUrl)) {
        log("error", "Set the Amazon Connect CCP URL in " + p.where + ".");
        status.set("Not started: set the Amazon Connect CCP URL in " + p.where + ".");
        return null;
      }
      var timeoutMs = p.timeoutMs > 0 ? p.timeoutMs : 5000;

      global.connect.core.initCCP(global.document.getElementById(config.ccpContainerId), {
        ccpUrl: p.ccpUrl,
        loginPopup: true,
        loginPopupAutoClose: true,
        softphone: { allowFramedSoftphone: true }
      });

      var salesforce = p.adapter(timeoutMs, log);
      if (!salesforce) {
        log("warn", "Presence sync works in Lightning apps and the Salesforce Classic console only; not started.");
        status.set("Not started: presence sync works in Lightning apps and the Salesforce Classic console only.");
        return null;
      }

      return loadRules(config.rulesUrl).then(function (rules) {
        var count = activeRules(rules);
        log("info", "Starting presence sync (" + config.mode + ").");
        return PresenceSync.start({
          wasmUrl: config.wasmUrl,
          rules: rules,
          connect: global.connect,
          salesforce: salesforce,
          options: { logLevel: level }
        }).then(function (sync) {
          page.sync = sync;
          sync.addEventListener("leader", function (e) {
            var d = e.detail || {};
            status.set("Syncing: " + count + " rule" + (count === 1 ? "" : "s") + (d.leader === false ? " (another tab of this agent writes)" : ""));
          });
          sync.addEventListener("error", function (e) {
            var d = e.detail || {};
            log("error", d.message, d);
            if (d.waiting === true) status.waiting(d.message);
            else status.fail(d.code, d.message);
            if (d.code === "start-failed") status.set("Not started.");
          });
          sync.addEventListener("action", function (e) { log("info", "action", e.detail); });
          sync.addEventListener("decision", function (e) { log("debug", "decision", e.detail); });
          log("info", "Presence sync started.");
          return sync;
        });
      });
    }).catch(function (error) {
      var message = error && error.message ? error.message : String(error);
      bootLog("error", "Presence sync did not start: " + message, error);
      status.fail(error && error.code, message);
      status.set("Not started.");
      return null;
    });
  }

  page.ready = run();
})(typeof window !== "undefined" ? window : globalThis);
