// The Salesforce fakes (js/test/fakes/) enforce the platform's documented limits, not our
// assumptions: a bundle or page that would fail in an org fails against them too.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AuraError, createAuraRuntime, createFramedPage, createLms, createOmni, createWindow, fakeDom, postFrom } from "../fakes/index.js";
import { loadBundle, loadTestdata, parseXml, settle } from "../fakes/node.js";

const HOST = "https://acme.lightning.force.com";

/** A bundle from markup and controller source (the helper is empty). @param {string} cmp @param {string} controller */
const bundle = (cmp, controller) => ({ name: "Probe", cmp, controller, helper: "({})" });

/** @param {{lms?: ReturnType<typeof createLms>, onIframeSrc?: (el: any, url: string) => void}} [o] */
function runtime(o = {}) {
  const dom = fakeDom({ onIframeSrc: o.onIframeSrc });
  const window = createWindow({ url: `${HOST}/lightning/page/home` });
  return { dom, rt: createAuraRuntime({ parseXml, window, dom, hostOrigin: HOST, lms: o.lms }) };
}

describe("Aura runtime: Lightning Message Service limits", () => {
  test("lightning:messageChannel in a background utility item is refused", () => {
    const { rt, dom } = runtime({ lms: createLms({ channels: ["Probe__c"] }) });
    const cmp = '<aura:component implements="lightning:backgroundUtilityItem"><lightning:messageChannel type="Probe__c" aura:id="mc"/></aura:component>';
    assert.throws(() => rt.create(bundle(cmp, "({})"), { container: dom.root }), (/** @type {any} */ e) => e instanceof AuraError && /background utility item interface/.test(e.message) && /message-channel-considerations/.test(e.message));
  });

  test("publishing from init is refused (not rendered yet); from the render handler it is delivered", async () => {
    const lms = createLms({ channels: ["Probe__c"] });
    const got = /** @type {any[]} */ ([]);
    let subscription = null;
    lms.opencti.subscribe({ channelName: "Probe__c", listener: (m) => got.push(m), callback: (r) => (subscription = r.subscription) });
    const { rt, dom } = runtime({ lms });
    const cmp = (/** @type {string} */ when) => `<aura:component implements="flexipage:availableForAllPageTypes">
      <lightning:messageChannel type="Probe__c" aura:id="mc"/>
      <aura:handler name="${when}" value="{!this}" action="{!c.go}"/>
      <div>probe</div>
    </aura:component>`;
    const controller = '({ go: function (component) { component.find("mc").publish({ kind: "hello" }); } })';
    assert.throws(() => rt.create(bundle(cmp("init"), controller), { container: dom.root }), (/** @type {any} */ e) => e instanceof AuraError && /init lifecycle handler because the component hasn't rendered/.test(e.message));
    const ok = rt.create(bundle(cmp("render"), controller), { container: dom.root });
    await settle();
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(got, [{ kind: "hello" }]);
    assert.ok(subscription);
  });

  test("lightning:messageChannel nested in markup is refused", () => {
    const { rt, dom } = runtime({ lms: createLms({ channels: ["Probe__c"] }) });
    const cmp = '<aura:component><div><lightning:messageChannel type="Probe__c"/></div></aura:component>';
    assert.throws(() => rt.create(bundle(cmp, "({})"), { container: dom.root }), /immediate child of aura:component/);
  });

  test("a background utility item renders nothing", () => {
    const { rt, dom } = runtime();
    const made = rt.create(bundle('<aura:component implements="lightning:backgroundUtilityItem"><div>x</div></aura:component>', "({})"), { container: dom.root });
    assert.equal(made.rendered, false);
    assert.deepEqual(dom.root.children, []);
  });
});

describe("Aura runtime: Lightning Web Security's iframe src", () => {
  const cmp = '<aura:component><aura:attribute name="url" type="String"/><iframe aura:id="f" src="{!v.url}"/></aura:component>';
  test("a same-origin src is sandboxed without allow-same-origin; a cross-origin one is not", () => {
    const { rt, dom } = runtime();
    const same = rt.create(bundle(cmp, "({})"), { container: dom.root, attributes: { url: `${HOST}/apex/X` } });
    assert.equal(same.element("f").attributes.sandbox, "allow-scripts");
    const cross = rt.create(bundle(cmp, "({})"), { container: dom.root, attributes: { url: "https://acme--c.vf.force.com/apex/X" } });
    assert.equal(cross.element("f").attributes.sandbox, undefined);
  });

  test("a javascript: src is refused", () => {
    const { rt, dom } = runtime();
    assert.throws(() => rt.create(bundle(cmp, "({})"), { container: dom.root, attributes: { url: "javascript:alert(1)" } }), /http:, https:, about:blank and relative URLs only/);
  });
});

describe("Open CTI's Lightning Message Service methods", () => {
  test("subscribe hands the subscription as result.subscription; unsubscribe needs it", async () => {
    const lms = createLms({ channels: ["Probe__c"] });
    /** @type {any} */
    let result = null;
    lms.opencti.subscribe({ channelName: "Probe__c", listener: () => {}, callback: (r) => (result = r) });
    await settle();
    assert.equal(result.success, true);
    assert.ok(result.subscription, "result.subscription");
    assert.equal(result.returnValue, undefined, "not returnValue");
    // Unsubscribing with what is not the subscription (main's code read returnValue) leaves the listener.
    /** @type {any} */
    let answer = null;
    lms.opencti.unsubscribe({ subscription: result.returnValue, callback: (r) => (answer = r) });
    await settle();
    assert.equal(answer.success, false);
    assert.equal(lms.listenerCount("Probe__c"), 1);
    lms.opencti.unsubscribe({ subscription: result.subscription, callback: (r) => (answer = r) });
    await settle();
    assert.equal(answer.success, true);
    assert.equal(lms.listenerCount("Probe__c"), 0);
  });
});

describe("windows with origins", () => {
  test("a message to the wrong origin is dropped; the receiver sees the sender's origin and window", async () => {
    const { parent, child, frameWindow, parentSeenByChild } = createFramedPage({ parentUrl: `${HOST}/x`, childUrl: "https://acme--c.vf.force.com/apex/P" });
    const got = /** @type {any[]} */ ([]);
    child.addEventListener("message", (e) => got.push(e));
    frameWindow.postMessage("to the wrong origin", "https://other.example");
    frameWindow.postMessage({ n: 1 }, "https://acme--c.vf.force.com");
    await settle();
    assert.equal(got.length, 1);
    assert.equal(got[0].origin, HOST);
    assert.equal(got[0].source, parentSeenByChild, "the child's window.parent");
    assert.equal(child.dropped.length, 1);
    const intruder = createWindow({ url: "https://evil.example/" });
    postFrom(intruder, child, "hi", "*");
    await settle();
    assert.equal(got[1].origin, "https://evil.example");
    void parent;
  });

  test("a sandboxed frame has the opaque origin", () => {
    const { child } = createFramedPage({ parentUrl: `${HOST}/x`, childUrl: `${HOST}/apex/P`, sandboxed: true });
    assert.equal(child.origin, "null");
  });
});

describe("Omni-Channel", () => {
  const catalog = loadTestdata("catalog.json");

  test("workload changes carry strings (the Aura attributes are strings), with the Winter '24 fields", () => {
    const omni = createOmni({ catalog, capacity: 5, interruptibleCapacity: 2 });
    const fired = /** @type {any[]} */ ([]);
    omni.onEvent((event, params) => fired.push([event, params]));
    omni.agent.acceptWork("sfdc_case");
    assert.deepEqual(fired[0], ["lightning:omniChannelWorkloadChanged", { configuredCapacity: "5", previousWorkload: "0", newWorkload: "1", configuredInterruptibleCapacity: "2", previousInterruptibleWorkload: "0", newInterruptibleWorkload: "0" }]);
    assert.equal(fired[1][0], "lightning:omniChannelWorkAccepted");
    assert.match(fired[1][1].workItemId, /^500/);
  });

  test("status changes carry channels as a JSON string, \"[]\" for a Busy status", async () => {
    const omni = createOmni({ catalog });
    const fired = /** @type {any[]} */ ([]);
    omni.onEvent((event, params) => fired.push(params));
    omni.agent.setStatus("Available");
    omni.agent.setStatus("Busy");
    assert.equal(typeof fired[0].channels, "string");
    assert.ok(JSON.parse(fired[0].channels).length > 0);
    assert.equal(fired[1].channels, "[]");
    assert.equal(fired[1].reason, "OmniManualStatusChange");
  });

  test("the toolkit takes 15- and 18-character Ids; logged out, getServicePresenceStatusId rejects or resolves empty as configured", async () => {
    const omni = createOmni({ catalog, status: null });
    await assert.rejects(omni.toolkit.getServicePresenceStatusId(), /isn't logged in/);
    await omni.toolkit.setServicePresenceStatus({ statusId: "0N5xx0000000002" });
    assert.equal(omni.status, "Lunch");
    await omni.toolkit.setServicePresenceStatus({ statusId: "0N5xx0000000003AAA" });
    assert.equal(omni.status, "Busy");
    const empty = createOmni({ catalog, status: null, whenLoggedOut: "resolve-empty" });
    assert.deepEqual(await empty.toolkit.getServicePresenceStatusId(), { statusId: null });
  });

  test("while not answering, calls never settle", async () => {
    const omni = createOmni({ catalog });
    omni.answering(false);
    let settled = false;
    omni.toolkit.getServicePresenceStatusId().then(() => (settled = true), () => (settled = true));
    await settle();
    assert.equal(settled, false);
    assert.equal(omni.state.calls[0].outcome, "no answer");
  });
});

describe("the project's utility item under these limits", () => {
  test("loads, renders its frame and keeps to the limits (no Lightning Message Service at all)", async () => {
    const { rt, dom } = runtime({ onIframeSrc: () => {} });
    const b = loadBundle("PresenceSyncBridge");
    assert.doesNotMatch(b.cmp, /lightning:messageChannel|backgroundUtilityItem/);
    const omni = createOmni({ catalog: loadTestdata("catalog.json") });
    const made = createAuraRuntime({
      parseXml,
      window: createWindow({ url: `${HOST}/x` }),
      dom,
      hostOrigin: HOST,
      omni,
      apex: { PresenceSyncOrigins: { getOrigins: () => ({ state: "SUCCESS", returnValue: { visualforce: "https://acme--c.vf.force.com", lightning: HOST } }) } },
    }).create(b, { container: dom.root, attributes: { ccpUrl: "https://acme.my.connect.aws/ccp-v2/" } });
    await settle();
    assert.equal(made.rendered, true);
    assert.ok(made.element("frame"), "the frame is rendered");
    assert.deepEqual(made.errors, []);
    void rt;
  });
});
