// The Salesforce Classic console adapter against the Classic face of the one Omni-Channel
// fake (js/test/fakes/: sforce.console.presence.* with {success, ...} callbacks,
// ConsoleEvent.PRESENCE.* events) and a fake AJAX Toolkit (sforce.connection) for the status
// catalog. The adapter passes Salesforce's facts on as given; naming statuses, finding
// service channels and classifying refusals are the engine's (adapters-engine.test.mjs).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { console as consoleAdapter } from "../../src/salesforce-console.js";
import { classicConsole, createOmni } from "../fakes/index.js";
import { loadTestdata, settle } from "../fakes/node.js";

const LUNCH = "0N5xx0000000002AAA";

/**
 * @param {{status?: string | null, removeEventListener?: boolean, catalog?: (() => Promise<any>) | null, connection?: any}} [o]
 *  - status: the DeveloperName of the status at start; null: logged out
 */
function setup(o = {}) {
  const catalog = loadTestdata("catalog.json");
  const omni = createOmni({ catalog, status: o.status === undefined ? "Available" : o.status });
  const fake = classicConsole(omni, { removeEventListener: o.removeEventListener });
  const catalogCalls = /** @type {number[]} */ ([]);
  const sforce = /** @type {any} */ (fake.sforce);
  if (o.connection) sforce.connection = o.connection;
  const options = /** @type {any} */ ({});
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
  return { catalog, omni, fake, adapter, events, catalogCalls, listen: () => adapter.subscribe((e) => events.push(e)) };
}

test("the adapter has exactly the shape of js/API.md", () => {
  const { adapter } = setup();
  assert.deepEqual(Object.keys(adapter).sort(), ["getStatus", "listServiceChannels", "listStatuses", "logout", "setStatus", "subscribe"]);
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
  /** @param {ReturnType<typeof setup>} s */
  const calls = (s) => s.omni.state.calls.map((c) => ({ method: c.method, args: c.args }));

  test("getStatus", async () => {
    const s = setup({ status: "Lunch" });
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.deepEqual(calls(s), [{ method: "getServicePresenceStatusId", args: undefined }]);
  });

  test("getStatus is null when the agent is not logged in ({success: false})", async () => {
    const s = setup({ status: null });
    assert.equal(await s.adapter.getStatus(), null);
  });

  test("getStatus without statusApiName (older API) passes the status on by its Id, for the engine to name", async () => {
    const s = setup({ status: "Lunch" });
    s.fake.sforce.console.presence.getServicePresenceStatusId = (/** @type {any} */ cb) => setImmediate(() => cb({ success: true, statusId: LUNCH.slice(0, 15) }));
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH.slice(0, 15) });
  });

  test("setStatus calls setServicePresenceStatus(statusId, callback); the change comes back as an event", async () => {
    const s = setup();
    s.listen();
    await s.adapter.setStatus(LUNCH);
    assert.deepEqual(calls(s), [{ method: "setServicePresenceStatus", args: { statusId: LUNCH } }]);
    assert.equal(s.omni.status, "Lunch");
    await settle();
    assert.deepEqual(s.events, [{ type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" }]);
  });

  test("logout calls logout(callback)", async () => {
    const s = setup();
    s.listen();
    await s.adapter.logout();
    assert.deepEqual(calls(s), [{ method: "logout", args: undefined }]);
    await settle();
    assert.deepEqual(s.events, [{ type: "logout" }]);
  });

  test("an unsuccessful setStatus rejects with the toolkit's own result, Salesforce's words and type in it (the engine classifies it)", async () => {
    const s = setup();
    s.omni.failNext({ errorCode: "INSUFFICIENT_ACCESS", message: "Insufficient access to this presence status" });
    await assert.rejects(s.adapter.setStatus(LUNCH), (/** @type {any} */ e) => {
      assert.deepEqual(e, { success: false, errorCode: "INSUFFICIENT_ACCESS", message: "Insufficient access to this presence status" });
      return true;
    });
    assert.equal(s.omni.status, "Available");
  });

  test("listStatuses comes from the options-supplied catalog (Visualforce Remoting on the page)", async () => {
    const s = setup();
    assert.deepEqual(await s.adapter.listStatuses(), s.catalog.statuses);
    assert.equal(s.catalogCalls.length, 1);
  });

  test("listStatuses reads the catalog afresh; listServiceChannels asked alongside shares that read", async () => {
    const s = setup();
    const [statuses, channels] = await Promise.all([s.adapter.listStatuses(), /** @type {any} */ (s.adapter).listServiceChannels()]);
    assert.equal(s.catalogCalls.length, 1);
    assert.equal(statuses.length, 5);
    assert.deepEqual(channels.map((/** @type {any} */ c) => [c.developerName, c.keyPrefix]), [["sfdc_case", "500"], ["sfdc_liveagent", "570"], ["sfdc_voicecall", "0LQ"]]);
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
      refused: o.refuse,
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
    assert.deepEqual(await /** @type {any} */ (s.adapter).listServiceChannels(), [
      { developerName: "sfdc_case", keyPrefix: "500", id: "0N9xx0000000001AAA", label: "Case", relatedEntity: "Case" },
    ]);
  });

  test("a refused DeveloperName names the permission", async () => {
    const conn = connection({
      refuse: { faultcode: "sf:INVALID_FIELD", faultstring: "INVALID_FIELD: \nSELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus\n ^\nERROR at Row:1:Column:12\nNo such column 'DeveloperName' on entity 'ServicePresenceStatus'." },
    });
    const s = setup({ catalog: null, connection: conn });
    await assert.rejects(s.adapter.listStatuses(), (/** @type {any} */ e) => {
      assert.equal(e.code, "salesforce");
      assert.deepEqual(e.cause, conn.refused);
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
      if (bad.by === "engine") {
        assert.equal(s.events[0].type, "statusChanged", "passed on for the engine to judge");
        return;
      }
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
  test("sets no timer of its own: a call waits for its answer (the engine's writeTimeoutMs is the one timeout), and the next call works once it answers", async () => {
    const s = setup();
    s.listen();
    s.omni.answering(false);
    let settled = false;
    s.adapter.setStatus(LUNCH).then(() => (settled = true), () => (settled = true));
    await settle();
    assert.equal(settled, false);
    assert.deepEqual(s.events, [], "no error of its own: the engine reports the timeout");
    s.omni.answering(true);
    await s.adapter.setStatus(LUNCH);
    await settle();
    assert.equal(s.events.at(-1).type, "statusChanged");
  });
});
