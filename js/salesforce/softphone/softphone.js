/*
 * presence-sync softphone glue, loaded by the PresenceSyncSoftphone Visualforce page from the
 * PresenceSync static resource, after connect-streams.js, wasm_exec.js and presence-sync.js.
 *
 * Reads window.PresenceSyncConfig (written by the page):
 *   mode                "lightning" | "classic"
 *   channel             the Lightning Message Channel (PresenceSync__c)
 *   ccpContainerId      the element the CCP goes in
 *   wasmUrl, rulesUrl   presence-sync.wasm and rules.json in the static resource
 *   catalogRemoteAction Visualforce Remoting name of PresenceSyncController.getCatalogRemote
 * and the call center's "Presence Sync" section:
 *   /reqPresenceSync/reqConnectCcpUrl     the Amazon Connect CCP URL
 *   /reqPresenceSync/reqLogLevel          error | warn | info | debug
 *   /reqPresenceSync/reqBridgeTimeoutMs   how long to wait for Omni-Channel to answer
 * An agent's browser can raise its own log level with
 *   localStorage.setItem("presenceSyncLogLevel", "debug")
 *
 * Exposes window.PresenceSyncSoftphone = {ready: Promise<sync | null>, sync, settings}.
 */
(function (global) {
  "use strict";

  var config = global.PresenceSyncConfig || {};
  var LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
  var page = { ready: null, sync: null, settings: null };
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

  // The call center's settings, keyed "/section/item".
  function callCenterSettings(sforce) {
    return new Promise(function (resolve, reject) {
      if (config.mode === "lightning") {
        sforce.opencti.getCallCenterSettings({
          callback: function (response) {
            if (response && response.success) resolve(response.returnValue || {});
            else reject(new Error("Could not read the call center settings: " + JSON.stringify(response && response.errors)));
          }
        });
      } else {
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
      }
    });
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

  function run() {
    var sforce = global.sforce;
    var PresenceSync = global.PresenceSync;
    var bootLog = makeLog(levelFrom(storedLevel(), "warn"));
    if (!sforce || !PresenceSync || !global.connect) {
      bootLog("error", "The softphone page is missing sforce, connect or PresenceSync; check the static resource and the page's scripts.");
      return Promise.resolve(null);
    }
    return callCenterSettings(sforce).then(function (settings) {
      page.settings = settings;
      var level = levelFrom(storedLevel(), levelFrom(settings["/reqPresenceSync/reqLogLevel"], "warn"));
      var log = makeLog(level);
      var ccpUrl = settings["/reqPresenceSync/reqConnectCcpUrl"];
      if (!ccpUrl) {
        log("error", "Set the Amazon Connect CCP URL in the call center (Presence Sync section).");
        return null;
      }
      var timeout = parseInt(settings["/reqPresenceSync/reqBridgeTimeoutMs"], 10);
      var timeoutMs = timeout > 0 ? timeout : 5000;

      global.connect.core.initCCP(global.document.getElementById(config.ccpContainerId), {
        ccpUrl: ccpUrl,
        loginPopup: true,
        loginPopupAutoClose: true,
        softphone: { allowFramedSoftphone: true }
      });

      var salesforce;
      if (config.mode === "lightning") {
        salesforce = PresenceSync.salesforce.lightning({ sforce: sforce, channel: config.channel, timeoutMs: timeoutMs, log: log });
      } else {
        if (!sforce.console || typeof sforce.console.isInConsole !== "function" || !sforce.console.isInConsole()) {
          log("warn", "Presence sync works in Lightning console apps and the Salesforce Classic console only; not started.");
          return null;
        }
        salesforce = PresenceSync.salesforce.console(sforce, { catalog: remoteCatalog, timeoutMs: timeoutMs, log: log });
      }

      return loadRules(config.rulesUrl).then(function (rules) {
        log("info", "Starting presence sync (" + config.mode + ").");
        return PresenceSync.start({
          wasmUrl: config.wasmUrl,
          rules: rules,
          connect: global.connect,
          salesforce: salesforce,
          options: { logLevel: level }
        });
      }).then(function (sync) {
        page.sync = sync;
        sync.addEventListener("error", function (e) { log("error", e.detail && e.detail.message, e.detail); });
        sync.addEventListener("action", function (e) { log("info", "action", e.detail); });
        sync.addEventListener("decision", function (e) { log("debug", "decision", e.detail); });
        log("info", "Presence sync started.");
        return sync;
      });
    }).catch(function (error) {
      bootLog("error", "Presence sync did not start: " + (error && error.message ? error.message : String(error)), error);
      return null;
    });
  }

  page.ready = run();
})(typeof window !== "undefined" ? window : globalThis);
