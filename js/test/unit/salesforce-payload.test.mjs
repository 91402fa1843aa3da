import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSalesforceId, omniEvent, omniListeners, readCatalog, readJsonList, readNumber, readStatus, readWorkload } from "../../src/salesforce-payload.js";
import { loadTestdata } from "./salesforce-fakes.mjs";

// Reading Salesforce's payloads into the adapter events (translation only). Comparing Ids,
// naming statuses, finding service channels and classifying refusals are the engine's:
// rules/event_test.go, rules/coordinator_salesforce_test.go, rules/coordinator_errors_test.go.

/** @param {string} field */
const invalid = (field) => (/** @type {any} */ e) => e.name === "PresenceSyncError" && e.code === "invalid-event" && e.field === field;

describe("Ids", () => {
  test("15 or 18 letters and digits", () => {
    assert.ok(isSalesforceId("0N5xx0000000002"));
    assert.ok(isSalesforceId("0N5xx0000000002AAA"));
  });
  test("anything else is not an Id", () => {
    for (const bad of ["0N5xx00000000", "0N5xx0000000002AA", "0N5xx-000000002", null, 15]) assert.ok(!isSalesforceId(bad), String(bad));
  });
});

describe("numbers", () => {
  test("numbers and numeric strings are numbers", () => {
    assert.equal(readNumber({ n: "2" }, "n", true), 2);
    assert.equal(readNumber({ n: " 2.5 " }, "n", true), 2.5);
    assert.equal(readNumber({ n: 0 }, "n", true), 0);
    assert.equal(readNumber({ N: "7" }, "n", true), 7, "capitalized key");
  });
  test("anything else is an invalid-event error naming the field", () => {
    for (const bad of ["", "two", "2,5", {}, [], true, NaN, Infinity]) {
      assert.throws(() => readNumber({ n: bad }, "n", true), invalid("n"), String(bad));
    }
  });
  test("a missing optional number is not an error", () => {
    assert.equal(readNumber({}, "n", false), undefined);
  });
  test("Classic's capitalized workload keys", () => {
    assert.deepEqual(readWorkload({ ConfiguredCapacity: "4", PreviousWorkload: "1", NewWorkload: "3" }), { configuredCapacity: 4, previousWorkload: 1, newWorkload: 3 });
  });
});

describe("channels", () => {
  test("a JSON string, an array, or empty", () => {
    const one = [{ channelId: "0N9xx0000000001", developerName: "sfdc_case" }];
    assert.deepEqual(readJsonList({ channels: JSON.stringify(one) }, "channels"), one);
    assert.deepEqual(readJsonList({ channels: one }, "channels"), one);
    assert.deepEqual(readJsonList({ channels: "[]" }, "channels"), []);
    assert.deepEqual(readJsonList({ channels: "" }, "channels"), []);
    assert.deepEqual(readJsonList({ channels: "null" }, "channels"), []);
    assert.deepEqual(readJsonList({}, "channels"), []);
  });
  test("text that is not a JSON list is an error", () => {
    assert.throws(() => readJsonList({ channels: "[{" }, "channels"), invalid("channels"));
    assert.throws(() => readJsonList({ channels: '{"a":1}' }, "channels"), invalid("channels"));
    assert.throws(() => readJsonList({ channels: 5 }, "channels"), invalid("channels"));
  });
  test("a Busy status with no channels reads fine", () => {
    assert.deepEqual(readStatus({ statusId: "0N5xx0000000003", statusName: "Busy", statusApiName: "Busy", channels: "" }),
      { statusId: "0N5xx0000000003", statusApiName: "Busy", statusName: "Busy" });
  });
  test("a status with its Id only is passed on so (the engine names it)", () => {
    assert.deepEqual(readStatus({ statusId: "0N5xx0000000003" }), { statusId: "0N5xx0000000003" });
  });
});

describe("catalog", () => {
  test("the Apex controller's shape", () => {
    const catalog = readCatalog(loadTestdata("catalog.json"));
    assert.equal(catalog.statuses.length, 5);
    assert.equal(catalog.serviceChannels.length, 3);
    assert.deepEqual(catalog.skipped, []);
  });
  test("SOQL records and a plain list", () => {
    assert.deepEqual(readCatalog([{ Id: "0N5xx0000000001", DeveloperName: "Available", MasterLabel: "Available" }]).statuses, [
      { id: "0N5xx0000000001", developerName: "Available", label: "Available" },
    ]);
  });
  test("entries without an Id or DeveloperName are skipped, not fatal", () => {
    const catalog = readCatalog({ statuses: [{ id: "0N5xx0000000001", developerName: "" }, { developerName: "X" }, null, { id: "0N5xx0000000002", developerName: "Lunch" }] });
    assert.deepEqual(catalog.statuses, [{ id: "0N5xx0000000002", developerName: "Lunch", label: "Lunch" }]);
    assert.equal(catalog.skipped.length, 3);
  });
  test("the controller's warnings are kept", () => {
    assert.deepEqual(readCatalog({ statuses: [], warnings: ["Could not read the service channels"] }).warnings, ["Could not read the service channels"]);
    assert.deepEqual(readCatalog([]).warnings, []);
  });
  test("a catalog carrying the controller's error is that error, its words and type", () => {
    const error = { type: "AccessDeniedException", message: "Reading DeveloperName needs View Setup and Configuration" };
    assert.throws(
      () => readCatalog({ statuses: [], error }),
      (/** @type {any} */ e) => e.code === "salesforce" && e.type === "AccessDeniedException" && e.message === error.message && e.cause === error,
    );
  });
  test("not a catalog at all", () => {
    assert.throws(() => readCatalog("nope"), (/** @type {any} */ e) => e.code === "invalid-event");
    assert.throws(() => readCatalog({ rows: [] }), (/** @type {any} */ e) => e.code === "invalid-event");
  });
});

describe("Omni-Channel events", () => {
  test("each raw event becomes its adapter event; a login is a status change with reason OmniLoginStatusChange", () => {
    assert.deepEqual(omniEvent("loginSuccess", { statusId: "0N5xx0000000002" }), { type: "statusChanged", statusId: "0N5xx0000000002", reason: "OmniLoginStatusChange" });
    assert.deepEqual(omniEvent("statusChanged", { statusId: "0N5xx0000000002", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange", channels: "[]" }),
      { type: "statusChanged", statusId: "0N5xx0000000002", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" });
    assert.deepEqual(omniEvent("logout", { reason: "OmniSupervisorLogout" }), { type: "logout", reason: "OmniSupervisorLogout" });
    assert.deepEqual(omniEvent("workAccepted", { workItemId: "500xx000000abcd", workId: "0Bzxx0000000001" }), { type: "workAccepted", workItemId: "500xx000000abcd", workId: "0Bzxx0000000001" });
    assert.deepEqual(omniEvent("workloadChanged", { configuredCapacity: "5", previousWorkload: "0", newWorkload: "2" }), { type: "workloadChanged", configuredCapacity: 5, previousWorkload: 0, newWorkload: 2 });
  });

  test("events reach every listener in order; one that throws does not keep them from the others", () => {
    const logs = /** @type {any[]} */ ([]);
    const listeners = omniListeners((level, message) => logs.push([level, message]));
    const seen = /** @type {any[]} */ ([]);
    listeners.subscribe(() => {
      throw new Error("broken listener");
    });
    listeners.subscribe((e) => seen.push(e.type));
    listeners.push("statusChanged", { statusId: "0N5xx0000000002" });
    listeners.push("logout", {});
    assert.deepEqual(seen, ["statusChanged", "logout"]);
    assert.equal(logs.filter(([level]) => level === "error").length, 2);
  });

  test("an unknown raw event name, or a payload that cannot be read, is reported with the payload and skipped", () => {
    const listeners = omniListeners(() => {});
    const seen = /** @type {any[]} */ ([]);
    listeners.subscribe((e) => seen.push(e));
    listeners.push("workDeclined", {});
    listeners.push("workloadChanged", { configuredCapacity: "five" });
    listeners.push("logout", {});
    assert.deepEqual(seen.map((e) => [e.type, e.code]), [["error", "invalid-event"], ["error", "invalid-event"], ["logout", undefined]]);
    assert.match(seen[1].message, /Workload Changed.*configuredCapacity/);
    assert.deepEqual(seen[1].payload, { configuredCapacity: "five" });
  });
});
