// The "Visualforce" side of the Lightning browser tests (served as /apex/PresenceSyncSoftphone
// on the Visualforce test hostname, framed by the utility item in lightning-host.html): what
// PresenceSyncSoftphone.page writes before the page glue runs (PresenceSyncConfig, the
// Lightning origin that PresenceSyncOrigins gives), Visualforce Remoting for the status
// catalog (PresenceSyncController.getCatalogRemote) and the rules kept as records
// (getRulesRemote: window.PresenceSyncTestRules when a test set it before the page loaded,
// else source "none", so that the "static resource" rulesUrl applies), and recorders.
(function () {
  "use strict";
  var w = window;
  w.PresenceSyncConfig = {
    mode: "lightning",
    ccpContainerId: "presence-sync-ccp",
    statusElementId: "presence-sync-status",
    wasmUrl: "/dist/presence-sync.wasm",
    rulesUrl: "/testdata/rules/default.json",
    catalogRemoteAction: "PresenceSyncController.getCatalogRemote",
    rulesRemoteAction: "PresenceSyncController.getRulesRemote",
    // The utility item's origin: the Lightning test pages are on 127.0.0.1, same port.
    lightningOrigin: "http://127.0.0.1:" + location.port
  };

  // Count this window's "message" listeners (Streams has its own; the adapter adds one).
  var listeners = new Set();
  var add = w.addEventListener.bind(w);
  var remove = w.removeEventListener.bind(w);
  w.addEventListener = function (type, fn, o) {
    if (type === "message") listeners.add(fn);
    return add(type, fn, o);
  };
  w.removeEventListener = function (type, fn, o) {
    if (type === "message") listeners.delete(fn);
    return remove(type, fn, o);
  };

  // Visualforce Remoting: PresenceSyncController.getCatalogRemote answers the catalog.
  w.Visualforce = {
    remoting: {
      Manager: {
        invokeAction: function (name, callback) {
          if (name === "PresenceSyncController.getRulesRemote") {
            var answer = w.PresenceSyncTestRules || { source: "none", rules: null, records: [], criteriaJson: [], profile: null, problems: [] };
            setTimeout(function () { callback(answer.remotingFails ? null : answer, answer.remotingFails || { status: true, type: "rpc" }); }, 10);
            return;
          }
          fetch("/testdata/rules/default.json").then(function (r) { return r.json(); }).then(function (doc) {
            // The statuses plus one named Offline, with the 18-character Ids Apex returns
            // (lightning-host.js gives Omni-Channel the same catalog).
            var offline = { id: "0N5xx0000000009", developerName: "Offline", label: "Offline" };
            var statuses = doc.salesforce.statuses.concat([offline]).map(function (s) {
              return { id: s.id.slice(0, 15) + "AAA", developerName: s.developerName, label: s.label };
            });
            callback({ statuses: statuses, serviceChannels: doc.salesforce.serviceChannels, warnings: [] }, { status: name === "PresenceSyncController.getCatalogRemote" });
          });
        }
      }
    }
  };

  // Record everything the sync reports, from the moment start resolves.
  var rec = { decisions: [], actions: [], errors: [], leader: [], listenersAtStart: -1 };
  // (The classic build's PresenceSync has getters only: the page glue gets a copy whose start records.)
  var real = w.PresenceSync;
  w.PresenceSync = { version: real.version, salesforce: real.salesforce, PresenceSync: real.PresenceSync, start: function (p) {
    rec.listenersAtStart = listeners.size;
    return real.start(p).then(function (sync) {
      ["decision", "action", "error", "leader"].forEach(function (type) {
        sync.addEventListener(type, function (e) {
          rec[type === "leader" ? "leader" : type + "s"].push(JSON.parse(JSON.stringify(e.detail)));
        });
      });
      return sync;
    });
  } };
  w.t = {
    rec: rec,
    messageListeners: function () { return listeners.size; },
    status: function () { return document.getElementById("presence-sync-status").textContent; },
    statuses: function (rule) {
      return rec.actions.filter(function (a) { return a.rule === rule; }).map(function (a) { return a.status; });
    }
  };
})();
