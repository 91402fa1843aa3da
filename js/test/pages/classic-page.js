// Classic-script page: window.PresenceSync from js/dist/presence-sync.js, no wasmUrl
// (the module is found beside the script), and a page's own adapter over the one
// Omni-Channel fake (js/test/fakes/, loaded with import()).
(async function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  connect.core.initCCP(document.getElementById("ccp"), {
    ccpUrl: params.get("ccp"),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
  });
  var fakes = await import("/fakes/index.js");
  var statuses = [
    { id: "0N5xx0000000001", developerName: "Available", label: "Available" },
    { id: "0N5xx0000000002", developerName: "Lunch", label: "Lunch" },
  ];
  var omni = fakes.createOmni({ catalog: { statuses: statuses }, status: "Available" });
  var adapter = fakes.omniAdapter(omni).adapter;
  window.omni = omni;
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
