// Classic-script page: window.PresenceSync from js/dist/presence-sync.js, no wasmUrl
// (the module is found beside the script), a minimal in-page Salesforce adapter.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  connect.core.initCCP(document.getElementById("ccp"), {
    ccpUrl: params.get("ccp"),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
  });
  var statuses = [
    { id: "0N5xx0000000001", developerName: "Available", label: "Available" },
    { id: "0N5xx0000000002", developerName: "Lunch", label: "Lunch" },
  ];
  var current = statuses[0];
  var listeners = [];
  var adapter = {
    getStatus: function () {
      return Promise.resolve(current && { statusId: current.id, statusApiName: current.developerName, statusName: current.label });
    },
    listStatuses: function () { return Promise.resolve(statuses); },
    setStatus: function (id) {
      current = statuses.find(function (s) { return s.id === id; });
      return Promise.resolve();
    },
    logout: function () { current = null; return Promise.resolve(); },
    subscribe: function (l) {
      listeners.push(l);
      return function () { listeners = listeners.filter(function (x) { return x !== l; }); };
    },
  };
  var rules = {
    rules: [{
      name: "Lunch to Omni", source: "Connect Agent State Change", operandA: "Connect Agent New State",
      comparator: "Equal to", operandB: "Static Value", operandBValue: "Lunch",
      destination: "Salesforce Agent State", value: "Lunch",
    }],
  };
  window.log = [];
  PresenceSync.start({ rules: JSON.stringify(rules), connect: connect, salesforce: adapter }).then(function (sync) {
    sync.addEventListener("decision", function (e) { window.log.push(e.detail); });
    window.result = {
      ok: true,
      hasLightning: typeof PresenceSync.salesforce.lightning === "function",
      hasConsole: typeof PresenceSync.salesforce.console === "function",
    };
  }, function (e) {
    window.result = { ok: false, code: e.code, message: e.message };
  });
})();
