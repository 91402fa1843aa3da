import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  PERMISSION_HELP,
  PayloadError,
  classifyError,
  createOmniEventStream,
  readCatalog,
  readJsonList,
  readNumber,
  readStatus,
  readWorkload,
  sameId,
  serviceChannelFor,
} from "../../src/salesforce-payload.js";
import { loadTestdata, settle } from "./salesforce-fakes.mjs";

describe("Ids", () => {
  test("15- and 18-character forms of one Id are the same record", () => {
    assert.ok(sameId("0N5xx0000000002", "0N5xx0000000002AAA"));
    assert.ok(sameId("0N5xx0000000002AAA", "0N5xx0000000002AAA"));
  });
  test("15-character Ids are case-sensitive", () => {
    assert.ok(!sameId("0N5xx000000000a", "0N5xx000000000A"));
  });
  test("anything that is not an Id matches nothing", () => {
    assert.ok(!sameId("0N5xx00000000", "0N5xx00000000"));
    assert.ok(!sameId(null, null));
    assert.ok(!sameId("0N5xx0000000002AA", "0N5xx0000000002AA"), "17 characters");
  });
});

describe("numbers", () => {
  test("numbers and numeric strings are numbers", () => {
    assert.equal(readNumber({ n: "2" }, "n", true), 2);
    assert.equal(readNumber({ n: " 2.5 " }, "n", true), 2.5);
    assert.equal(readNumber({ n: 0 }, "n", true), 0);
    assert.equal(readNumber({ N: "7" }, "n", true), 7, "capitalized key");
  });
  test("anything else is a PayloadError naming the field", () => {
    for (const bad of ["", "two", "2,5", {}, [], true, NaN, Infinity]) {
      assert.throws(() => readNumber({ n: bad }, "n", true), (/** @type {any} */ e) => e instanceof PayloadError && e.field === "n", String(bad));
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
    assert.throws(() => readJsonList({ channels: "[{" }, "channels"), PayloadError);
    assert.throws(() => readJsonList({ channels: '{"a":1}' }, "channels"), PayloadError);
    assert.throws(() => readJsonList({ channels: 5 }, "channels"), PayloadError);
  });
  test("a Busy status with no channels reads fine", () => {
    const status = readStatus({ statusId: "0N5xx0000000003", statusName: "Busy", statusApiName: "Busy", channels: "" });
    assert.equal(status.statusApiName, "Busy");
    assert.deepEqual(status.channels, []);
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
  test("a catalog carrying the controller's error is that error", () => {
    assert.throws(
      () => readCatalog({ statuses: [], error: { type: "AccessDeniedException", message: PERMISSION_HELP } }),
      (/** @type {any} */ e) => e.code === "permission" && e.type === "AccessDeniedException",
    );
  });
  test("not a catalog at all", () => {
    assert.throws(() => readCatalog("nope"), (/** @type {any} */ e) => e.code === "invalid-event");
    assert.throws(() => readCatalog({ rows: [] }), (/** @type {any} */ e) => e.code === "invalid-event");
  });
  test("service channel from the work item's key prefix", () => {
    const { serviceChannels } = readCatalog(loadTestdata("catalog.json"));
    assert.equal(serviceChannelFor("500xx000000abcdAAA", serviceChannels), "sfdc_case");
    assert.equal(serviceChannelFor("0LQxx000000abcd", serviceChannels), "sfdc_voicecall");
    assert.equal(serviceChannelFor("0lQxx000000abcd", serviceChannels), undefined, "key prefixes are case-sensitive");
    assert.equal(serviceChannelFor("001xx000000abcd", serviceChannels), undefined);
    assert.equal(serviceChannelFor("500", serviceChannels), undefined);
  });
});

describe("error classification", () => {
  test("permission problems are permanent AccessDeniedException, Salesforce's type kept", () => {
    for (const raw of [
      { errorCode: "INSUFFICIENT_ACCESS", message: "nope" },
      { faultcode: "sf:INSUFFICIENT_ACCESS", faultstring: "insufficient access rights on object id" },
      { type: "System.NoAccessException", message: "x" },
      "You don't have access to this presence status",
      { faultcode: "sf:INVALID_FIELD", faultstring: "No such column 'DeveloperName' on entity 'ServicePresenceStatus'" },
    ]) {
      const e = classifyError(raw, "x");
      assert.equal(e.code, "permission", JSON.stringify(raw));
      assert.equal(e.type, "AccessDeniedException");
    }
  });
  test("catalog refusals name both permissions", () => {
    const e = classifyError({ faultcode: "sf:INSUFFICIENT_ACCESS", faultstring: "insufficient access" }, "catalog");
    assert.match(e.message, /View Setup and Configuration/);
    assert.match(e.message, /View DeveloperName/);
    assert.match(e.message, /insufficient access/);
  });
  test("other failures keep their type and words", () => {
    const e = classifyError({ type: "InvalidStateException", message: "Omni is reconnecting" }, "x");
    assert.equal(e.code, "salesforce");
    assert.equal(e.type, "InvalidStateException");
    assert.equal(e.message, "Omni is reconnecting");
    assert.equal(classifyError(new Error("boom"), "x").type, "SalesforceError");
  });
});

describe("event stream", () => {
  test("events keep their order when one waits for the catalog", async () => {
    let release = () => {};
    const catalogLoaded = new Promise((resolve) => (release = () => resolve(loadTestdata("catalog.json"))));
    const stream = createOmniEventStream({ catalog: () => /** @type {any} */ (catalogLoaded), currentStatus: async () => null, log: () => {} });
    const seen = /** @type {any[]} */ ([]);
    stream.subscribe((e) => seen.push(e.type));
    stream.push("statusChanged", { statusId: "0N5xx0000000002" }); // needs the catalog for its name
    stream.push("logout", {});
    await settle();
    assert.deepEqual(seen, [], "the logout waits behind the status change");
    release();
    await settle();
    assert.deepEqual(seen, ["statusChanged", "logout"]);
  });

  test("a status missing from the catalog is named from a fresh read of the current status", async () => {
    const stream = createOmniEventStream({
      catalog: async () => ({ statuses: [], serviceChannels: [] }),
      currentStatus: async () => ({ statusId: "0N5xx0000000009AAA", statusApiName: "New_Status", statusName: "New Status" }),
      log: () => {},
    });
    const seen = /** @type {any[]} */ ([]);
    stream.subscribe((e) => seen.push(e));
    await stream.push("statusChanged", { statusId: "0N5xx0000000009" });
    assert.deepEqual(seen, [{ type: "statusChanged", statusId: "0N5xx0000000009", statusApiName: "New_Status", statusName: "New Status" }]);
  });

  test("a listener that throws does not keep the event from the others", async () => {
    const stream = createOmniEventStream({ catalog: async () => ({ statuses: [], serviceChannels: [] }), currentStatus: async () => null, log: () => {} });
    const seen = /** @type {any[]} */ ([]);
    stream.subscribe(() => {
      throw new Error("broken listener");
    });
    stream.subscribe((e) => seen.push(e));
    await stream.push("logout", {});
    assert.deepEqual(seen, [{ type: "logout" }]);
  });

  test("an unknown raw event name is reported", async () => {
    const stream = createOmniEventStream({ catalog: async () => ({ statuses: [], serviceChannels: [] }), currentStatus: async () => null, log: () => {} });
    const seen = /** @type {any[]} */ ([]);
    stream.subscribe((e) => seen.push(e));
    await stream.push("workDeclined", {});
    assert.equal(seen[0].code, "invalid-event");
  });
});
