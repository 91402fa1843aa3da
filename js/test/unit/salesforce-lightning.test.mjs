// The Lightning adapter end to end: adapter ⇄ Lightning Message Service (fake) ⇄ the real
// PresenceSyncBridge Aura bundle (controller and helper source run in a harness) ⇄
// lightning:omniToolkitAPI (fake, Promise-based, firing lightning:omniChannel* events).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MESSAGE_FIELDS, PROTOCOL, lightning } from "../../src/salesforce-lightning.js";
import { PERMISSION_HELP } from "../../src/salesforce-payload.js";
import {
  channelFields,
  createClock,
  createLms,
  createOmniToolkit,
  loadAuraBridge,
  loadTestdata,
  settle,
} from "./salesforce-fakes.mjs";

const CHANNEL = "PresenceSync__c";
const LUNCH = "0N5xx0000000002AAA";
const TRAINING = "0N5xx0000000005AAA";

/**
 * @param {{status?: string | null, allowed?: string[], timeoutMs?: number, apex?: Record<string, () => any>, catalogOption?: () => Promise<any>}} [o]
 */
function setup(o = {}) {
  const catalog = loadTestdata("catalog.json");
  const lms = createLms({ [CHANNEL]: channelFields() });
  const clock = createClock();
  /** @type {ReturnType<typeof loadAuraBridge>} */
  let bridge;
  const omni = createOmniToolkit({ catalog, status: o.status, allowed: o.allowed, fire: (event, params) => bridge.fire(event, params) });
  const apex = o.apex ?? { getCatalog: () => ({ state: "SUCCESS", returnValue: catalog }) };
  const startBridge = () => {
    bridge = loadAuraBridge({ lms, omni: omni.api, apex });
    bridge.init();
    return bridge;
  };
  startBridge();
  const logs = /** @type {Array<{level: string, message: string, detail: any}>} */ ([]);
  const timeoutMs = o.timeoutMs ?? 1000;
  const options = {
    sforce: { opencti: lms.opencti },
    timeoutMs,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    log: (/** @type {string} */ level, /** @type {string} */ message, /** @type {any} */ detail) => logs.push({ level, message, detail }),
    ...(o.catalogOption ? { catalog: o.catalogOption } : {}),
  };
  const adapter = lightning(options);
  const events = /** @type {any[]} */ ([]);
  return {
    catalog,
    lms,
    clock,
    omni,
    get bridge() {
      return bridge;
    },
    startBridge,
    adapter,
    events,
    logs,
    timeoutMs,
    listen() {
      return adapter.subscribe((e) => events.push(e));
    },
  };
}

test("the adapter has exactly DESIGN.md's shape", () => {
  const { adapter } = setup();
  assert.deepEqual(Object.keys(adapter).sort(), ["getStatus", "listStatuses", "logout", "setStatus", "subscribe"]);
});

test("without sforce.opencti the adapter says what the page is missing", () => {
  assert.throws(() => lightning({ sforce: {} }), (/** @type {any} */ e) => e.code === "unavailable" && /opencti/.test(e.message));
});

test("every field on the channel is declared in the PresenceSync__c message channel", async () => {
  const s = setup();
  s.listen();
  await settle();
  for (const field of MESSAGE_FIELDS) assert.ok(channelFields().has(field), `${field} is declared`);
  await s.adapter.getStatus();
  await s.adapter.listStatuses();
  s.bridge.fire("lightning:omniChannelWorkloadChanged", { configuredCapacity: "5", previousWorkload: "0", newWorkload: "1" });
  await settle();
  assert.deepEqual(s.lms.undeclared, [], "nobody published an undeclared field");
});

describe("Omni events reach the listener", () => {
  test("every documented event, in order, in the adapter's shape", async () => {
    const s = setup();
    s.listen();
    await settle();
    const cases = loadTestdata("lightning-events.json");
    for (const c of cases) s.bridge.fire(c.event, c.params);
    await settle();
    assert.deepEqual(
      s.events,
      cases.map((/** @type {any} */ c) => c.expect),
    );
    assert.deepEqual(s.bridge.consoleErrors, []);
  });

  test("each event on its own", async (t) => {
    for (const c of loadTestdata("lightning-events.json")) {
      await t.test(c.name, async () => {
        const s = setup({ status: null });
        s.listen();
        await settle();
        s.bridge.fire(c.event, c.params);
        await settle();
        assert.deepEqual(s.events, [c.expect]);
      });
    }
  });

  test("the bridge relays the Aura event's parameters untouched", async () => {
    const s = setup();
    s.listen();
    await settle();
    const params = { configuredCapacity: "5", previousWorkload: "0", newWorkload: "2", configuredInterruptibleCapacity: "1", previousInterruptibleWorkload: "0", newInterruptibleWorkload: "0" };
    s.bridge.fire("lightning:omniChannelWorkloadChanged", params);
    await settle();
    const relayed = s.lms.log.filter((m) => m.message.kind === "event").map((m) => m.message);
    assert.equal(relayed.length, 1);
    assert.deepEqual(relayed[0], { kind: "event", event: "workloadChanged", payload: params, protocol: PROTOCOL, source: "PresenceSyncBridge" });
  });

  test("a login and the identical status change Omni fires with it make one event", async () => {
    const s = setup({ status: null });
    s.listen();
    await settle();
    await s.adapter.setStatus(LUNCH); // logged out: the toolkit logs in, firing login success then the status change
    await settle();
    assert.deepEqual(s.events, [
      { type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break", reason: "OmniLoginStatusChange" },
    ]);
    s.bridge.fire("lightning:omniChannelStatusChanged", { statusId: LUNCH, channels: "[]", statusName: "Lunch Break", statusApiName: "Lunch", reason: "OmniManualStatusChange" });
    await settle();
    assert.equal(s.events.length, 2, "a later change to the same status is a change");
  });
});

describe("commands come out as toolkit calls", () => {
  test("getStatus reads getServicePresenceStatusId through the bridge", async () => {
    const s = setup({ status: LUNCH });
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.deepEqual(s.omni.calls.map((c) => c.method), ["getServicePresenceStatusId"]);
  });

  test("getStatus is null while the agent is logged out of Omni-Channel", async () => {
    const s = setup({ status: null });
    assert.equal(await s.adapter.getStatus(), null);
  });

  test("listStatuses comes from the Apex controller through the bridge", async () => {
    const s = setup();
    assert.deepEqual(await s.adapter.listStatuses(), s.catalog.statuses);
    assert.deepEqual(s.bridge.apexCalls, ["c.getCatalog"]);
  });

  test("listStatuses can come from an options-supplied catalog instead", async () => {
    const catalog = loadTestdata("catalog.json");
    const s = setup({ catalogOption: async () => [{ Id: "0N5xx0000000001AAA", DeveloperName: "Available", MasterLabel: "Available" }] });
    assert.deepEqual(await s.adapter.listStatuses(), [catalog.statuses[0]]);
    assert.deepEqual(s.bridge.apexCalls, []);
  });

  test("setStatus calls setServicePresenceStatus({statusId}) and the change comes back as an event", async () => {
    const s = setup();
    s.listen();
    await settle();
    await s.adapter.setStatus(LUNCH);
    assert.deepEqual(s.omni.calls.at(-1), { method: "setServicePresenceStatus", args: { statusId: LUNCH } });
    await settle();
    assert.deepEqual(s.events, [{ type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break", reason: "OmniToolkitStatusChange" }]);
  });

  test("logout calls logout() and the logout comes back as an event", async () => {
    const s = setup();
    s.listen();
    await settle();
    await s.adapter.logout();
    assert.deepEqual(s.omni.calls.map((c) => c.method), ["logout"]);
    await settle();
    assert.deepEqual(s.events, [{ type: "logout" }]);
    assert.equal(s.omni.current, null);
  });

  test("a status the agent's profile lacks is a permanent permission error", async () => {
    const s = setup({ allowed: ["0N5xx0000000001AAA", LUNCH] });
    await assert.rejects(s.adapter.setStatus(TRAINING), (/** @type {any} */ e) => {
      assert.equal(e.code, "permission");
      assert.equal(e.type, "AccessDeniedException");
      assert.equal(e.salesforceType, "INSUFFICIENT_ACCESS");
      assert.match(e.message, /don't have access to the presence status/);
      return true;
    });
  });

  test("any other toolkit failure keeps Salesforce's words and is not a permission error", async () => {
    const s = setup();
    s.omni.failNextWith(new Error("Omni-Channel is reconnecting"));
    await assert.rejects(s.adapter.setStatus(LUNCH), (/** @type {any} */ e) => e.code === "salesforce" && e.message === "Omni-Channel is reconnecting");
  });

  test("the bridge answers getAgentWorkload, ping, and refuses unknown commands", async () => {
    const s = setup();
    const answers = /** @type {any[]} */ ([]);
    s.lms.opencti.subscribe({ channelName: CHANNEL, listener: (m) => m.kind === "response" && answers.push(m) });
    await settle();
    for (const [id, command] of [["w", "getAgentWorkload"], ["p", "ping"], ["x", "selfDestruct"]]) {
      s.lms.opencti.publish({ channelName: CHANNEL, message: { protocol: 1, source: "test", kind: "request", id, command, args: {} } });
    }
    await settle();
    const byId = Object.fromEntries(answers.map((a) => [a.id, a]));
    assert.deepEqual(byId.w.result, { configuredCapacity: 5, currentWorkload: 0, configuredInterruptibleCapacity: 0, currentInterruptibleWorkload: 0 });
    assert.deepEqual(byId.p.result, { protocol: 1 });
    assert.equal(byId.x.ok, false);
    assert.equal(byId.x.error.type, "InvalidParameterException");
  });
});

describe("permissions", () => {
  const refused = {
    statuses: [],
    serviceChannels: [],
    warnings: [],
    error: { type: "AccessDeniedException", message: `${PERMISSION_HELP} Salesforce said: No such column 'DeveloperName'`, salesforceType: "System.QueryException" },
  };

  test("a refused status query rejects listStatuses with the permission named", async () => {
    const s = setup({ apex: { getCatalog: () => ({ state: "SUCCESS", returnValue: refused }) } });
    await assert.rejects(s.adapter.listStatuses(), (/** @type {any} */ e) => {
      assert.equal(e.code, "permission");
      assert.equal(e.type, "AccessDeniedException");
      assert.match(e.message, /"View Setup and Configuration" or the "View DeveloperName" permission/);
      return true;
    });
    const answer = s.lms.log.map((m) => m.message).find((m) => m.kind === "response");
    assert.equal(answer.ok, false, "the bridge answers a refused catalog as a failure");
    assert.equal(answer.error.type, "AccessDeniedException");
  });

  test("an Apex exception keeps its type", async () => {
    const s = setup({ apex: { getCatalog: () => ({ state: "ERROR", error: [{ message: "Too many query rows", exceptionType: "System.LimitException" }] }) } });
    await assert.rejects(s.adapter.listStatuses(), (/** @type {any} */ e) => e.code === "salesforce" && e.type === "System.LimitException");
  });

  test("Work Accepted still syncs without its channel when the catalog is refused, and the refusal is reported", async () => {
    const s = setup({ apex: { getCatalog: () => ({ state: "SUCCESS", returnValue: refused }) } });
    s.listen();
    await settle();
    s.bridge.fire("lightning:omniChannelWorkAccepted", { workItemId: "500xx000000abcdAAA", workId: "0Bzxx0000000001AAA" });
    await settle();
    assert.equal(s.events.length, 2);
    assert.equal(s.events[0].type, "error");
    assert.equal(s.events[0].code, "permission");
    assert.deepEqual(s.events[1], { type: "workAccepted", workItemId: "500xx000000abcdAAA", workId: "0Bzxx0000000001AAA" });
  });
});

describe("bad payloads from Salesforce are reported and skipped", () => {
  for (const bad of loadTestdata("bad-payloads.json")) {
    test(bad.name, async () => {
      const s = setup();
      s.listen();
      await settle();
      s.bridge.fire(bad.lightning, bad.payload);
      s.bridge.fire("lightning:omniChannelLogout", {});
      await settle();
      assert.equal(s.events.length, 2, JSON.stringify(s.events));
      const [error, next] = s.events;
      assert.equal(error.type, "error");
      assert.equal(error.code, "invalid-event");
      assert.match(error.message, new RegExp(bad.field));
      assert.deepEqual(error.payload, bad.payload, "what arrived is attached");
      assert.deepEqual(next, { type: "logout" }, "the next event still syncs");
    });
  }

  test("a bridge message naming an unknown event", async () => {
    const s = setup();
    s.listen();
    await settle();
    s.lms.opencti.publish({ channelName: CHANNEL, message: { protocol: 1, source: "PresenceSyncBridge", kind: "event", event: "omniChannelWorkFlagUpdated", payload: {} } });
    await settle();
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0].code, "invalid-event");
  });

  test("a status result without a readable Id rejects getStatus", async () => {
    const s = setup();
    s.omni.api.getServicePresenceStatusId = () => Promise.resolve({ statusId: 42 });
    await assert.rejects(s.adapter.getStatus(), (/** @type {any} */ e) => e.code === "invalid-event");
  });
});

describe("a bridge that stops answering", () => {
  test("produces a timeout error, once, and sync resumes when it answers again", async () => {
    const s = setup();
    s.listen();
    await settle();
    s.lms.pause(); // the bridge (and the channel) freeze
    const first = s.adapter.setStatus(LUNCH);
    const second = s.adapter.getStatus();
    await settle();
    s.clock.advance(s.timeoutMs);
    await assert.rejects(first, (/** @type {any} */ e) => {
      assert.equal(e.code, "timeout");
      assert.equal(e.type, "Timeout");
      assert.match(e.message, /did not answer setServicePresenceStatus within 1000 ms/);
      return true;
    });
    await assert.rejects(second, (/** @type {any} */ e) => e.code === "timeout");
    await settle();
    assert.deepEqual(
      s.events.map((e) => [e.type, e.code]),
      [["error", "timeout"]],
      "one timeout error for the silent period",
    );

    s.lms.resume(); // late answers arrive: nobody waits for them any more
    await settle();
    await s.adapter.setStatus("0N5xx0000000001AAA");
    assert.equal(s.omni.current, "0N5xx0000000001AAA");
    assert.ok(s.logs.some((l) => /answering again/.test(l.message)));
    s.bridge.fire("lightning:omniChannelLogout", {});
    await settle();
    assert.equal(s.events.at(-1).type, "logout", "events flow again");
  });

  test("a restarted bridge gets the unanswered requests again, without waiting for the timeout", async () => {
    const s = setup({ status: LUNCH });
    s.bridge.destroy(); // the utility item reloads
    const status = s.adapter.getStatus();
    await settle();
    assert.equal(s.omni.calls.length, 0, "nobody ran the request");
    s.startBridge(); // announces itself with kind "ready"
    await settle();
    assert.deepEqual(s.omni.calls.map((c) => c.method), ["getServicePresenceStatusId"], "the request was sent again");
    assert.deepEqual(await status, { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.equal(s.clock.pending, 0, "the timeout was cleared");
  });
});

describe("the channel", () => {
  test("is subscribed while listened to, and released when the last listener leaves", async () => {
    const s = setup();
    const before = s.lms.subscriberCount(CHANNEL); // the bridge
    const stopA = s.listen();
    const stopB = s.listen();
    await settle();
    assert.equal(s.lms.subscriberCount(CHANNEL), before + 1);
    stopA();
    await settle();
    assert.equal(s.lms.subscriberCount(CHANNEL), before + 1);
    stopB();
    stopB();
    await settle();
    assert.equal(s.lms.subscriberCount(CHANNEL), before);
    s.bridge.fire("lightning:omniChannelLogout", {});
    await settle();
    assert.deepEqual(s.events, []);
  });

  test("two softphone pages on one channel each get their own answers", async () => {
    const s = setup({ status: LUNCH });
    const other = lightning({ sforce: { opencti: s.lms.opencti }, timeoutMs: 1000, setTimeout: s.clock.setTimeout, clearTimeout: s.clock.clearTimeout });
    const [a, b, statuses] = await Promise.all([s.adapter.getStatus(), other.getStatus(), other.listStatuses()]);
    assert.deepEqual(a, b);
    assert.equal(statuses.length, s.catalog.statuses.length);
    assert.equal(s.omni.calls.filter((c) => c.method === "getServicePresenceStatusId").length, 2);
  });
});
