// The Lightning adapter end to end under Node: the page's adapter (salesforce-lightning.js,
// over the frame transport) ⇄ window.postMessage between the Visualforce and Lightning
// origins ⇄ the real Presence Sync utility item (PresenceSyncBridge, in the Aura runtime
// fake that enforces the documented limits) ⇄ the agent's Omni-Channel (fake toolkit and
// lightning:omniChannel* events).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lightning } from "../../src/salesforce-lightning.js";
import { createFramedPage, createWindow, postFrom } from "../fakes/index.js";
import { loadTestdata, settle } from "../fakes/node.js";
import { FIXED_TOKEN, LIGHTNING, VISUALFORCE, lightningPage } from "./lightning-harness.mjs";

const LUNCH = "0N5xx0000000002AAA";
const TRAINING = "0N5xx0000000005AAA";

describe("the adapter", () => {
  test("has exactly the shape of js/API.md", async () => {
    const s = await lightningPage();
    assert.deepEqual(Object.keys(s.adapter).sort(), ["getStatus", "listServiceChannels", "listStatuses", "logout", "setStatus", "subscribe"]);
  });

  test("says what it needs: the status catalog and the utility item's exact origin", () => {
    assert.throws(() => lightning(/** @type {any} */ ({ parentOrigin: LIGHTNING })), (/** @type {any} */ e) => e.code === "unavailable" && /options\.catalog/.test(e.message));
    for (const parentOrigin of [undefined, "*", "https://acme.lightning.force.com/", "acme.lightning.force.com"]) {
      assert.throws(
        () => lightning({ parentOrigin, catalog: async () => [] }),
        (/** @type {any} */ e) => e.code === "unavailable" && /parentOrigin/.test(e.message),
        String(parentOrigin),
      );
    }
  });
});

describe("the utility item", () => {
  test("frames the page on the Visualforce origin with its properties and a relay token", async () => {
    const s = await lightningPage({ attributes: { ccpUrl: "https://acme.my.connect.aws/ccp-v2/", logLevel: "info", timeoutMs: 2500 } });
    assert.deepEqual(s.apexCalls, ["getOrigins"]);
    const url = new URL(/** @type {string} */ (s.frameUrl));
    assert.equal(url.origin, VISUALFORCE);
    assert.equal(url.pathname, "/apex/PresenceSyncSoftphone");
    assert.equal(url.searchParams.get("ccpUrl"), "https://acme.my.connect.aws/ccp-v2/");
    assert.equal(url.searchParams.get("logLevel"), "info");
    assert.equal(url.searchParams.get("timeoutMs"), "2500");
    assert.match(url.hash, /^#relay=[0-9a-z]{16,}$/);
    const frame = s.dom.root.children.find((/** @type {any} */ e) => e.tagName === "IFRAME");
    assert.equal(frame.attributes.sandbox, undefined, "a cross-origin frame is not sandboxed by LWS");
    assert.match(frame.attributes.allow, /microphone/);
    assert.deepEqual(s.relay?.errors, []);
  });

  test("shows a plain error, and no frame, when the Visualforce origin cannot be read", async () => {
    const s = await lightningPage({ origins: { visualforce: "javascript:alert(1)" }, adapter: false });
    assert.equal(s.frameUrl, null);
    const alert = s.dom.root.children.find((/** @type {any} */ e) => e.attributes.role === "alert");
    assert.match(alert.text, /no usable Visualforce origin/);
  });

  test("answers only its own frame: another origin, a wrong token or no token get nothing", async () => {
    const s = await lightningPage({ adapter: false });
    const token = /#relay=(\w+)/.exec(/** @type {string} */ (s.frameUrl))?.[1];
    const got = s.received();
    const intruder = createWindow({ url: "https://evil.example/page" });
    const hello = (/** @type {string | undefined} */ t) => ({ protocol: 1, source: "PresenceSyncSoftphone", token: t, kind: "hello" });
    postFrom(intruder, s.windows.parent, hello(token), LIGHTNING); // right token, wrong origin
    s.windows.parentSeenByChild.postMessage(hello("0000"), LIGHTNING); // right origin, wrong token
    s.windows.parentSeenByChild.postMessage({ ...hello(undefined), kind: "request", id: "x", command: "logout", args: {} }, LIGHTNING);
    await settle();
    assert.deepEqual(got, []);
    assert.deepEqual(s.omni.state.calls, [], "nothing reached Omni-Channel");
    s.windows.parentSeenByChild.postMessage(hello(token), LIGHTNING);
    await settle();
    assert.deepEqual(got.map((e) => [e.origin, e.data.kind]), [[LIGHTNING, "ready"]]);
    assert.equal(s.windows.child.dropped.length, 0, "the utility item posts to the Visualforce origin only");
  });

  test("stops listening when it goes away", async () => {
    const s = await lightningPage({ adapter: false });
    assert.equal(s.windows.parent.listenerCount("message"), 1);
    assert.equal(s.omni.listenerCount(), 1);
    s.relay?.destroy();
    assert.equal(s.windows.parent.listenerCount("message"), 0);
    assert.equal(s.omni.listenerCount(), 0);
  });
});

describe("Omni events reach the listener", () => {
  test("every documented event, in order, in the adapter's shape", async () => {
    const s = await lightningPage();
    s.listen();
    await settle();
    await s.adapter.getStatus(); // connected and answered
    const cases = loadTestdata("lightning-events.json");
    for (const c of cases) s.omni.fire(c.event, c.params);
    await settle();
    assert.deepEqual(s.events.filter((e) => e.type !== "ready"), cases.map((/** @type {any} */ c) => c.expect));
    assert.deepEqual(s.relay?.errors, []);
  });

  test("the utility item relays the Aura event's parameters untouched", async () => {
    const s = await lightningPage();
    s.listen();
    const got = s.received();
    await settle();
    await s.adapter.getStatus();
    const params = { configuredCapacity: "5", previousWorkload: "0", newWorkload: "2", configuredInterruptibleCapacity: "1", previousInterruptibleWorkload: "0", newInterruptibleWorkload: "0" };
    s.omni.fire("lightning:omniChannelWorkloadChanged", params);
    await settle();
    const relayed = got.filter((e) => e.data.kind === "event").map((e) => e.data);
    assert.equal(relayed.length, 1);
    assert.deepEqual(relayed[0].payload, params);
    assert.equal(relayed[0].event, "workloadChanged");
  });

  test("a login is a status change with reason OmniLoginStatusChange; Omni-Channel's status change after it is passed on too (the engine tells it is the same)", async () => {
    const s = await lightningPage({ status: null, whenLoggedOut: "resolve-empty" });
    s.listen();
    assert.equal(await s.adapter.getStatus(), null);
    await s.adapter.setStatus(LUNCH); // logged out: the toolkit logs in, firing login success then the status change
    await settle();
    assert.deepEqual(s.events.filter((e) => e.type !== "ready"), [
      { type: "statusChanged", statusId: LUNCH, reason: "OmniLoginStatusChange" },
      { type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break", reason: "OmniToolkitStatusChange" },
    ]);
  });
});

describe("commands come out as toolkit calls", () => {
  test("getStatus reads getServicePresenceStatusId through the utility item", async () => {
    const s = await lightningPage({ status: "Lunch" });
    assert.deepEqual(await s.adapter.getStatus(), { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.deepEqual(s.omni.state.calls.map((c) => c.method), ["getServicePresenceStatusId"]);
  });

  test("setStatus gives the toolkit the 15-character Id, as Salesforce's samples do", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.setStatus(LUNCH);
    await s.adapter.setStatus("0N5xx0000000001");
    assert.deepEqual(s.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus").map((c) => c.args), [
      { statusId: "0N5xx0000000002" },
      { statusId: "0N5xx0000000001" },
    ]);
    await settle();
    // The change comes back as Omni reports it (its own 18-character Id), reason OmniToolkitStatusChange.
    assert.deepEqual(s.events.filter((e) => e.type === "statusChanged")[0], { type: "statusChanged", statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break", reason: "OmniToolkitStatusChange" });
  });

  test("logout calls logout() and the logout comes back as an event", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.logout();
    await settle();
    assert.deepEqual(s.omni.state.calls.map((c) => c.method), ["logout"]);
    assert.deepEqual(s.events.filter((e) => e.type !== "ready"), [{ type: "logout" }]);
    assert.equal(s.omni.status, null);
  });

  test("listStatuses is the catalog option's (the page's Visualforce Remoting)", async () => {
    const s = await lightningPage();
    assert.deepEqual(await s.adapter.listStatuses(), s.catalog.statuses);
    assert.deepEqual(s.omni.state.calls, []);
  });

  test("a status the agent's profile lacks: the refusal as the utility item gives Salesforce's, type and words (the engine classifies it as a permission error)", async () => {
    const s = await lightningPage({ allowed: ["Available", "Lunch"] });
    await assert.rejects(s.adapter.setStatus(TRAINING), (/** @type {any} */ e) => {
      assert.deepEqual(e, { type: "INSUFFICIENT_ACCESS", message: "You don't have access to the presence status you selected." });
      return true;
    });
  });

  test("any other toolkit failure keeps Salesforce's words", async () => {
    const s = await lightningPage();
    s.omni.failNext(new Error("Omni-Channel is reconnecting"));
    await assert.rejects(s.adapter.setStatus(LUNCH), (/** @type {any} */ e) => e.message === "Omni-Channel is reconnecting");
  });

  test("a refused catalog rejects listStatuses with the controller's words (naming the permission) and type", async () => {
    const refused = { statuses: [], serviceChannels: [], warnings: [], error: { type: "AccessDeniedException", message: `Reading DeveloperName needs the "View DeveloperName" permission. Salesforce said: No such column 'DeveloperName'` } };
    const s = await lightningPage({ adapter: false });
    const adapter = s.makeAdapter({ catalog: async () => refused });
    await assert.rejects(adapter.listStatuses(), (/** @type {any} */ e) => e.code === "salesforce" && e.type === "AccessDeniedException" && /"View DeveloperName" permission/.test(e.message));
  });

  test("listServiceChannels is the catalog's, with the key prefixes the engine finds a work item's channel by", async () => {
    const s = await lightningPage();
    assert.deepEqual((await /** @type {any} */ (s.adapter).listServiceChannels()).map((/** @type {any} */ c) => [c.developerName, c.keyPrefix]), [["sfdc_case", "500"], ["sfdc_liveagent", "570"], ["sfdc_voicecall", "0LQ"]]);
  });
});

describe("logged out only when Omni-Channel says so", () => {
  test("getServicePresenceStatusId resolving without a status Id: logged out", async () => {
    const s = await lightningPage({ status: null, whenLoggedOut: "resolve-empty" });
    assert.equal(await s.adapter.getStatus(), null);
  });

  test("getServicePresenceStatusId rejecting: an error with Salesforce's words, not a logout", async () => {
    const s = await lightningPage({ status: null, whenLoggedOut: "reject" });
    await assert.rejects(s.adapter.getStatus(), (/** @type {any} */ e) => {
      assert.equal(e.type, "OmniToolkitError");
      assert.match(e.message, /isn't logged in to Omni-Channel/);
      return true;
    });
  });

  test("the logout event, with its reason", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.getStatus();
    s.omni.agent.logout("OmniSupervisorLogout");
    await settle();
    assert.deepEqual(s.events.at(-1), { type: "logout", reason: "OmniSupervisorLogout" });
  });

  test("a status named Offline is a status change, not a logout", async () => {
    const catalog = loadTestdata("catalog.json");
    const s = await lightningPage({ catalog });
    s.listen();
    await s.adapter.getStatus();
    s.omni.agent.setStatus("Offline");
    await settle();
    assert.deepEqual(s.events.at(-1), { type: "statusChanged", statusId: "0N5xx0000000004AAA", statusApiName: "Offline", statusName: "Offline", reason: "OmniManualStatusChange" });
  });
});

describe("bad messages and payloads are reported and skipped", () => {
  for (const bad of loadTestdata("bad-payloads.json").filter((/** @type {any} */ b) => b.lightning)) {
    test(bad.name, async () => {
      const s = await lightningPage();
      s.listen();
      await s.adapter.getStatus();
      s.omni.fire(bad.lightning, bad.payload);
      s.omni.fire("lightning:omniChannelLogout", {});
      await settle();
      const [error, next] = s.events.filter((e) => e.type !== "ready");
      if (bad.by === "engine") {
        assert.equal(error.type, "statusChanged", "passed on for the engine to judge");
        return;
      }
      assert.equal(error.type, "error");
      assert.equal(error.code, "invalid-event");
      assert.match(error.message, new RegExp(bad.field));
      assert.deepEqual(next, { type: "logout" }, "the next event still syncs");
    });
  }

  test("a relay message naming an unknown event", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.getStatus();
    const token = /#relay=(\w+)/.exec(/** @type {string} */ (s.frameUrl))?.[1];
    s.windows.frameWindow.postMessage({ protocol: 1, source: "PresenceSyncBridge", token, kind: "event", event: "omniChannelWorkFlagUpdated", payload: {} }, VISUALFORCE);
    await settle();
    assert.equal(s.events.at(-1).code, "invalid-event");
  });

  test("a message from any other origin, or without the token, is ignored", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.getStatus();
    const before = s.events.length;
    const token = /#relay=(\w+)/.exec(/** @type {string} */ (s.frameUrl))?.[1];
    const event = { protocol: 1, source: "PresenceSyncBridge", kind: "event", event: "logout", payload: {} };
    postFrom(createWindow({ url: "https://evil.example/" }), s.windows.child, { ...event, token }, VISUALFORCE);
    s.windows.frameWindow.postMessage({ ...event, token: "nope" }, VISUALFORCE);
    s.windows.frameWindow.postMessage("logout", VISUALFORCE);
    await settle();
    assert.equal(s.events.length, before);
  });
});

describe("an Omni side that arrives late (start-up does not depend on load order)", () => {
  test("Omni-Channel silent at first: the status read waits, says so once it has waited timeoutMs, and resolves when Omni answers", async () => {
    const s = await lightningPage({ status: "Lunch" });
    s.omni.answering(false); // the Omni-Channel utility has not loaded yet
    s.listen();
    const status = s.adapter.getStatus();
    let settled = false;
    status.then(() => (settled = true), () => (settled = true));
    await settle();
    for (let i = 0; i < 3; i++) {
      s.clock.advance(s.timeoutMs);
      await settle();
    }
    assert.equal(settled, false, "still waiting, not failed");
    const waiting = s.events.filter((e) => e.waiting);
    assert.equal(waiting.length, 1, "one notice for the wait");
    assert.equal(waiting[0].code, "timeout");
    assert.match(waiting[0].message, /Waiting for Omni-Channel: the Presence Sync utility item answers, but Omni-Channel does not/);
    assert.ok(s.omni.state.calls.filter((c) => c.method === "getServicePresenceStatusId").length >= 3, "asked again after each timeout");
    s.omni.answering(true);
    s.clock.advance(s.timeoutMs);
    await settle();
    assert.deepEqual(await status, { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.equal(s.events.at(-1).type, "ready");
    assert.match(s.events.at(-1).message, /presence sync is running/);
  });

  test("no utility item yet: the page says hello until one answers; the waiting read is then sent and answered", async () => {
    const s = await lightningPage({ relay: false, status: "Lunch" });
    s.listen();
    const status = s.adapter.getStatus();
    s.clock.advance(s.timeoutMs);
    await settle();
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0].waiting, true);
    assert.match(s.events[0].message, /the Presence Sync utility item \(https:\/\/acme\.lightning\.force\.com\) has not answered: is it in this app's utility bar/);
    assert.deepEqual(s.omni.state.calls, [], "nothing was sent to nobody");
    assert.equal(s.windows.parent.dropped.length, 0, "hello goes to the Lightning origin only");
    await s.startRelay(); // the utility item loads later
    assert.equal(s.frameUrl?.endsWith(`#relay=${FIXED_TOKEN}`), true);
    s.clock.advance(1000); // the next hello
    await settle();
    assert.deepEqual(await status, { statusId: LUNCH, statusApiName: "Lunch", statusName: "Lunch Break" });
    assert.equal(s.events.at(-1).type, "ready");
  });

  test("a page in a sandboxed frame (opaque origin) says so", async () => {
    const s = await lightningPage({ adapter: false });
    const sandboxed = createFramedPage({ parentUrl: `${LIGHTNING}/x`, childUrl: `${LIGHTNING}/apex/PresenceSyncSoftphone`, sandboxed: true });
    const adapter = s.makeAdapter({ window: sandboxed.child });
    const events = /** @type {any[]} */ ([]);
    adapter.subscribe((e) => events.push(e));
    s.clock.advance(s.timeoutMs);
    await settle();
    assert.match(events[0].message, /sandboxed frame \(its origin is "null"\)/);
  });

  test("a page that is not framed at all says so", async () => {
    const s = await lightningPage({ adapter: false });
    const alone = createWindow({ url: `${VISUALFORCE}/apex/PresenceSyncSoftphone` });
    const adapter = s.makeAdapter({ window: alone });
    const events = /** @type {any[]} */ ([]);
    adapter.subscribe((e) => events.push(e));
    s.clock.advance(s.timeoutMs);
    await settle();
    assert.match(events[0].message, /not inside the Presence Sync utility item/);
  });
});

describe("stop leaves nothing behind", () => {
  test("the last unsubscribe removes the page's message listener and hello timer; later events reach nobody", async () => {
    const s = await lightningPage();
    assert.equal(s.windows.child.listenerCount("message"), 0);
    const stopA = s.listen();
    const stopB = s.listen();
    await s.adapter.getStatus();
    assert.equal(s.windows.child.listenerCount("message"), 1);
    stopA();
    assert.equal(s.windows.child.listenerCount("message"), 1);
    stopB();
    stopB();
    assert.equal(s.windows.child.listenerCount("message"), 0);
    assert.equal(s.clock.pending, 0, "no timer left");
    const n = s.events.length;
    s.omni.agent.logout();
    await settle();
    assert.equal(s.events.length, n);
  });

  test("stopping while the status read still waits for Omni-Channel gives it up and closes", async () => {
    const s = await lightningPage();
    s.omni.answering(false);
    const stop = s.listen();
    const status = s.adapter.getStatus();
    await settle();
    stop();
    await assert.rejects(status, (/** @type {any} */ e) => e.code === "unavailable" && /Stopped waiting/.test(e.message));
    assert.equal(s.windows.child.listenerCount("message"), 0);
    assert.equal(s.clock.pending, 0);
  });
});

describe("a utility item that stops answering after it has answered", () => {
  test("sets no timer of its own: a command waits for its answer (the engine's writeTimeoutMs is the one timeout), and the next one works once it answers", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.getStatus();
    s.omni.answering(false);
    let settled = false;
    s.adapter.setStatus(LUNCH).then(() => (settled = true), () => (settled = true));
    await settle();
    assert.equal(s.clock.pending, 0, "no timer: the hello interval ended when the utility item answered");
    s.clock.advance(10 * s.timeoutMs);
    await settle();
    assert.equal(settled, false);
    assert.deepEqual(s.events.filter((e) => e.type === "error"), [], "no error of its own: the engine reports the timeout");
    s.omni.answering(true);
    await s.adapter.setStatus("0N5xx0000000001AAA");
    assert.equal(s.omni.status, "Available");
  });

  test("a request never answered is given up once 64 newer ones wait, so that nothing grows without bound", async () => {
    const s = await lightningPage();
    s.listen();
    await s.adapter.getStatus();
    s.omni.answering(false);
    const first = s.adapter.setStatus(LUNCH);
    const rest = Array.from({ length: 64 }, () => s.adapter.setStatus(LUNCH));
    await assert.rejects(first, (/** @type {any} */ e) => e.code === "unavailable" && /never answered/.test(e.message));
    s.omni.answering(true);
    await settle();
    for (const p of rest) p.catch(() => {});
  });
});
