// The Salesforce Classic console adapter against a fake Console Integration Toolkit
// (sforce.console.presence.* with {success, ...} callbacks, ConsoleEvent.PRESENCE.* events)
// and a fake AJAX Toolkit (sforce.connection) for the status catalog.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { console as consoleAdapter } from "../../src/salesforce-console.js";
import { createClassicConsole, createClock, loadTestdata, settle } from "./salesforce-fakes.mjs";

const LUNCH = "0N5xx0000000002AAA";

/**
 * @param {{status?: string | null, removeEventListener?: boolean, catalog?: (() => Promise<any>) | null, connection?: any, timeoutMs?: number}} [o]
 */
function setup(o = {}) {
  const catalog = loadTestdata("catalog.json");
  const fake = createClassicConsole({ catalog, status: o.status, removeEventListener: o.removeEventListener });
  const clock = createClock();
  const catalogCalls = /** @type {number[]} */ ([]);
  const sforce = /** @type {any} */ (fake.sforce);
  if (o.connection) sforce.connection = o.connection;
  const options = /** @type {any} */ ({ timeoutMs: o.timeoutMs ?? 1000, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  if (o.catalog !== null) {
    options.catalog =
      o.catalog ??
      (async () => {
        catalogCalls.push(1);
        return structuredClone(catalog);
      });
  }
  const adapter = consoleAdapter(sforce, options);
  const events = /** @type {any[]} */ ([]);
  return { catalog, fake, clock, adapter, events, catalogCalls, listen: () => adapter.subscribe((e) => events.push(e)) };
}

test("the adapter has exactly DESIGN.md's shape", () => {
  const { adapter } = setup();
  assert.deepEqual(Object.keys(adapter).sort(), ["getStatus", "listStatuses", "logout", "setStatus", "subscribe"]);
});

test("without the presence toolkit the adapter says what is missing", () => {
  assert.throws(() => consoleAdapter({ console: { addEventListener() {} } }), (/** @type {any} */ e) => e.code === "unavailable" && /integration\.js/.test(e.message));
});

describe("Omni events reach the listener", () => {
  test("every documented PRESENCE event, in order, in the adapter's shape", async () => {
    const s = setup();
    s.listen();
    const cases = loadTestdata("classic-events.json");
    for (const c of cases) s.fake.fire(c.event, c.payload);
    await settle();
    assert.deepEqual(
      s.events,
      cases.map((/** @type {any} */ c) => c.expect),
    );
  });

  test("each event on its own", async (t) => {
    for (const c of loadTestdata("classic-events.json")) {
      await t.test(c.name, async () => {
        const s = setup({ status: null });
        s.listen();
        s.fake.fire(c.event, c.payload);
        await settle();
        assert.deepEqual(s.events, [c.expect]);
      });
    }
  });

  test("listeners are removed with removeEventListener when the last one leaves", async () => {
    const s = setup();
    const stopA = s.listen();
    const stopB = s.listen();
    assert.equal(s.fake.listenerCount(), 5, "one handler per presence event, however many listeners");
    stopA();
    assert.equal(s.fake.listenerCount(), 5);
    stopB();
    assert.equal(s.fake.listenerCount(), 0);
  });

  test("without removeEventListener, a detached adapter ignores events and does not double them later", async () => {
    const s = setup({ removeEventListener: false });
    const stop = s.listen();
    stop();
    s.fake.fire("LOGOUT", {});
    await settle();
    assert.deepEqual(s.events, []);
    s.listen();
    s.fake.fire("LOGOUT", {});
    await settle();
    assert.deepEqual(s.events, [{ type: "logout" }]);
  });
});

describe("calls come out as presence toolkit calls", () => {
  test("getStatus", async () => {
    const s = setup({ status: LUNCH });
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.deepEqual(s.fake.calls, [{ method: "getServicePresenceStatusId", args: [] }]);
  });

  test("getStatus is null when the agent is not logged in ({success: false})", async () => {
    const s = setup({ status: null });
    assert.equal(await s.adapter.getStatus(), null);
  });

  test("getStatus without statusApiName (older API) is named from the catalog", async () => {
    const s = setup({ status: LUNCH });
    s.fake.sforce.console.presence.getServicePresenceStatusId = (/** @type {any} */ cb) => setImmediate(() => cb({ success: true, statusId: LUNCH.slice(0, 15) }));
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH.slice(0, 15), statusApiName: "Lunch", statusName: "Lunch Break" });
  });

  test("setStatus calls setServicePresenceStatus(statusId, callback); the change comes back as an event", async () => {
    const s = setup();
    s.listen();
    await s.adapter.setStatus(LUNCH);
    assert.deepEqual(s.fake.calls, [{ method: "setServicePresenceStatus", args: [LUNCH] }]);
    assert.equal(s.fake.current, LUNCH);
    await settle();
    assert.deepEqual(s.events, [{ type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" }]);
  });

  test("logout calls logout(callback)", async () => {
    const s = setup();
    s.listen();
    await s.adapter.logout();
    assert.deepEqual(s.fake.calls, [{ method: "logout", args: [] }]);
    await settle();
    assert.deepEqual(s.events, [{ type: "logout" }]);
  });

  test("an unsuccessful setStatus rejects", async () => {
    const s = setup();
    s.fake.refuseNextWith({ success: false });
    await assert.rejects(s.adapter.setStatus(LUNCH), (/** @type {any} */ e) => e.code === "salesforce" && /setServicePresenceStatus\(0N5xx0000000002AAA\)/.test(e.message));
  });

  test("a refusal for lack of access is a permanent permission error", async () => {
    const s = setup();
    s.fake.refuseNextWith({ success: false, errors: [{ message: "Insufficient access to this presence status" }] });
    await assert.rejects(s.adapter.setStatus(LUNCH), (/** @type {any} */ e) => e.code === "permission" && e.type === "AccessDeniedException");
  });

  test("listStatuses comes from the options-supplied catalog (Visualforce Remoting on the page)", async () => {
    const s = setup();
    assert.deepEqual(await s.adapter.listStatuses(), s.catalog.statuses);
    assert.equal(s.catalogCalls.length, 1);
  });

  test("the catalog is loaded once for events and reloaded by listStatuses", async () => {
    const s = setup();
    s.listen();
    s.fake.fire("WORK_ACCEPTED", { workItemId: "500xx000000abcd", workId: "0Bzxx0000000001" });
    s.fake.fire("WORK_ACCEPTED", { workItemId: "570xx000000abcd", workId: "0Bzxx0000000002" });
    await settle();
    assert.equal(s.catalogCalls.length, 1);
    assert.deepEqual(s.events.map((e) => e.serviceChannel), ["sfdc_case", "sfdc_liveagent"]);
    await s.adapter.listStatuses();
    assert.equal(s.catalogCalls.length, 2);
  });
});

describe("the catalog through the AJAX Toolkit (sforce.connection)", () => {
  /** @param {{refuse?: any}} [o] */
  function connection(o = {}) {
    const queries = /** @type {string[]} */ ([]);
    const records = {
      ServicePresenceStatus: [
        { type: "ServicePresenceStatus", Id: "0N5xx0000000001AAA", DeveloperName: "Available", MasterLabel: "Available" },
        { type: "ServicePresenceStatus", Id: "0N5xx0000000002AAA", DeveloperName: "Lunch", MasterLabel: "Lunch Break" },
      ],
      ServiceChannel: [{ type: "ServiceChannel", Id: "0N9xx0000000001AAA", DeveloperName: "sfdc_case", MasterLabel: "Case", RelatedEntity: "Case" }],
    };
    return {
      queries,
      query(/** @type {string} */ soql, /** @type {any} */ callbacks) {
        queries.push(soql);
        const from = /FROM (\w+)/.exec(soql)?.[1] ?? "";
        setImmediate(() => {
          if (o.refuse && from === "ServicePresenceStatus") return callbacks.onFailure(o.refuse);
          const rows = records[/** @type {keyof typeof records} */ (from)];
          callbacks.onSuccess({ size: String(rows.length), done: "true", getArray: (/** @type {string} */ name) => (name === "records" ? rows : []) });
        });
      },
      describeGlobal(/** @type {any} */ callbacks) {
        setImmediate(() =>
          callbacks.onSuccess({
            getArray: () => [
              { name: "Account", keyPrefix: "001" },
              { name: "Case", keyPrefix: "500" },
            ],
          }),
        );
      },
    };
  }

  test("statuses by SOQL, service channels with key prefixes from describeGlobal", async () => {
    const conn = connection();
    const s = setup({ catalog: null, connection: conn });
    assert.deepEqual(await s.adapter.listStatuses(), [
      { id: "0N5xx0000000001AAA", developerName: "Available", label: "Available" },
      { id: "0N5xx0000000002AAA", developerName: "Lunch", label: "Lunch Break" },
    ]);
    assert.deepEqual(conn.queries, [
      "SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus",
      "SELECT Id, DeveloperName, MasterLabel, RelatedEntity FROM ServiceChannel",
    ]);
    s.listen();
    s.fake.fire("WORK_ACCEPTED", { workItemId: "500xx000000abcdAAA", workId: "0Bzxx0000000001AAA" });
    await settle();
    assert.equal(s.events[0].serviceChannel, "sfdc_case");
  });

  test("a refused DeveloperName names the permission", async () => {
    const conn = connection({
      refuse: { faultcode: "sf:INVALID_FIELD", faultstring: "INVALID_FIELD: \nSELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus\n ^\nERROR at Row:1:Column:12\nNo such column 'DeveloperName' on entity 'ServicePresenceStatus'." },
    });
    const s = setup({ catalog: null, connection: conn });
    await assert.rejects(s.adapter.listStatuses(), (/** @type {any} */ e) => {
      assert.equal(e.code, "permission");
      assert.equal(e.type, "AccessDeniedException");
      assert.equal(e.salesforceType, "INVALID_FIELD");
      assert.match(e.message, /"View Setup and Configuration" or the "View DeveloperName" permission/);
      assert.match(e.message, /No such column 'DeveloperName'/);
      return true;
    });
  });

  test("with neither a catalog option nor the AJAX Toolkit, listStatuses says what to add", async () => {
    const s = setup({ catalog: null });
    await assert.rejects(s.adapter.listStatuses(), (/** @type {any} */ e) => e.code === "unavailable" && /connection\.js/.test(e.message));
  });
});

describe("bad payloads from Salesforce are reported and skipped", () => {
  for (const bad of loadTestdata("bad-payloads.json")) {
    test(bad.name, async () => {
      const s = setup();
      s.listen();
      s.fake.fire(bad.classic, bad.payload);
      s.fake.fire("LOGOUT", {});
      await settle();
      assert.equal(s.events.length, 2, JSON.stringify(s.events));
      assert.equal(s.events[0].type, "error");
      assert.equal(s.events[0].code, "invalid-event");
      assert.match(s.events[0].message, new RegExp(bad.field));
      assert.deepEqual(s.events[0].payload, bad.payload);
      assert.deepEqual(s.events[1], { type: "logout" });
    });
  }

  test("a payload that is not an object", async () => {
    const s = setup();
    s.listen();
    s.fake.fire("WORKLOAD_CHANGED", "5,0,2");
    await settle();
    assert.equal(s.events[0].code, "invalid-event");
  });
});

describe("a console that stops answering", () => {
  test("produces a timeout error, once, and sync resumes when it answers again", async () => {
    const s = setup();
    s.listen();
    s.fake.answering(false);
    const first = s.adapter.setStatus(LUNCH);
    const second = s.adapter.logout();
    s.clock.advance(1000);
    await assert.rejects(first, (/** @type {any} */ e) => e.code === "timeout" && /presence\.setServicePresenceStatus within 1000 ms/.test(e.message));
    await assert.rejects(second, (/** @type {any} */ e) => e.code === "timeout");
    await settle();
    assert.deepEqual(
      s.events.map((e) => [e.type, e.code]),
      [["error", "timeout"]],
    );
    s.fake.answering(true);
    await s.adapter.setStatus(LUNCH);
    await settle();
    assert.equal(s.events.at(-1).type, "statusChanged");
    s.fake.answering(false);
    const third = s.adapter.getStatus();
    s.clock.advance(1000);
    await assert.rejects(third, (/** @type {any} */ e) => e.code === "timeout");
    await settle();
    assert.equal(s.events.filter((e) => e.code === "timeout").length, 2, "a new silent period is reported again");
  });
});
