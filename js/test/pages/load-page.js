// Loading failures: start with stub platforms that record every touch, so a test can
// check that a failed load touched nothing. ?wasm= overrides the module URL.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var touched = [];
  var connectStub = {
    agent: function () { touched.push("connect.agent"); return { unsubscribe: function () {} }; },
  };
  var adapter = {};
  ["getStatus", "listStatuses", "setStatus", "logout", "subscribe"].forEach(function (m) {
    adapter[m] = function () {
      touched.push("salesforce." + m);
      return m === "subscribe" ? function () {} : Promise.resolve(null);
    };
  });
  var rules = { rules: [] };
  var pending = null;
  window.tryStart = function () {
    if (!pending) {
      pending = PresenceSync.start({
        wasmUrl: params.get("wasm") || undefined,
        rules: rules,
        connect: connectStub,
        salesforce: adapter,
        options: { startTimeoutMs: 300 },
      }).then(function (sync) {
        sync.stop();
        return { ok: true, touched: touched };
      }, function (e) {
        return { ok: false, code: e.code, message: e.message, touched: touched };
      });
    }
    return pending;
  };
})();
