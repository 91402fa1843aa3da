// Fakes of the Salesforce APIs the adapters use, built to their documented shapes:
//  - Lightning Message Service as Open CTI (sforce.opencti.subscribe/publish/unsubscribe,
//    callbacks {success, returnValue, errors}) and as Aura (lightning:messageChannel publish,
//    onMessage with a message whose fields are read with getParam). Every subscriber gets
//    every message on the channel, the publisher included, asynchronously, as a copy.
//  - lightning:omniToolkitAPI: methods return Promises resolving to the documented result
//    shapes, and changes fire the lightning:omniChannel* events, as the real toolkit does.
//  - The real PresenceSyncBridge Aura bundle (cmp, controller, helper source) loaded into a
//    small harness: fake $A, component and event objects; handlers wired from the .cmp.
//  - The Console Integration Toolkit (sforce.console.presence.* with {success, ...} callbacks,
//    addEventListener/removeEventListener with ConsoleEvent.PRESENCE.*) and the AJAX toolkit.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { parseXml, allElements, childrenNamed, childText } from "../../salesforce/lib/xml.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..", "..");
export const salesforceRoot = path.join(repoRoot, "js", "salesforce");
export const metadataRoot = path.join(salesforceRoot, "force-app", "main", "default");
export const testdata = path.join(repoRoot, "testdata", "salesforce");

/** @param {string} name */
export function loadTestdata(name) {
  return JSON.parse(readFileSync(path.join(testdata, name), "utf8"));
}

/** Lets every pending callback, promise and setImmediate run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock for the adapters' timeouts. */
export function createClock() {
  let now = 0;
  let nextId = 1;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  return {
    setTimeout(/** @type {() => void} */ fn, /** @type {number} */ ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(/** @type {number} */ id) {
      timers.delete(id);
    },
    /** @param {number} ms */
    advance(ms) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && timers.has(id)) {
          timers.delete(id);
          t.fn();
        }
      }
    },
    get pending() {
      return timers.size;
    },
  };
}

/** The fields the PresenceSync__c channel declares (from its metadata). */
export function channelFields() {
  const node = parseXml(readFileSync(path.join(metadataRoot, "messageChannels", "PresenceSync.messageChannel-meta.xml"), "utf8"));
  return new Set(childrenNamed(node, "lightningMessageFields").map((f) => childText(f, "fieldName")));
}

/**
 * Lightning Message Service for one page.
 * @param {Record<string, Set<string>>} declared channel API name → declared fields
 */
export function createLms(declared) {
  /** @type {Map<string, Set<(message: any) => void>>} */
  const subscribers = new Map();
  const log = /** @type {Array<{channel: string, message: any}>} */ ([]);
  const undeclared = /** @type {string[]} */ ([]);
  let paused = false;
  /** @type {Array<() => void>} */
  let held = [];

  /** @param {string} channel @param {any} message */
  function deliver(channel, message) {
    if (!declared[channel]) throw new Error(`no message channel ${channel}`);
    for (const key of Object.keys(message)) {
      if (!declared[channel].has(key)) undeclared.push(key);
    }
    const copy = structuredClone(message);
    log.push({ channel, message: copy });
    for (const listener of [...(subscribers.get(channel) ?? [])]) {
      const run = () => listener(structuredClone(copy));
      setImmediate(() => (paused ? held.push(run) : run()));
    }
  }

  /** @param {string} channel @param {(message: any) => void} listener */
  function add(channel, listener) {
    if (!subscribers.has(channel)) subscribers.set(channel, new Set());
    /** @type {Set<(message: any) => void>} */ (subscribers.get(channel)).add(listener);
    return { channel, listener };
  }

  return {
    log,
    undeclared,
    /** @param {string} channel */
    subscriberCount(channel) {
      return subscribers.get(channel)?.size ?? 0;
    },
    /** Holds every delivery until resume (a frozen page). */
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const run = held;
      held = [];
      for (const fn of run) fn();
    },
    /** sforce.opencti's Lightning Message Service methods (API 47.0+). */
    opencti: {
      subscribe(/** @type {any} */ { channelName, listener, callback }) {
        if (!declared[channelName]) {
          setImmediate(() => callback && callback({ success: false, returnValue: null, errors: [{ description: `Invalid channel ${channelName}` }] }));
          return;
        }
        const subscription = add(channelName, listener);
        setImmediate(() => callback && callback({ success: true, returnValue: subscription, errors: null }));
      },
      publish(/** @type {any} */ { channelName, message, callback }) {
        try {
          deliver(channelName, message);
          setImmediate(() => callback && callback({ success: true, returnValue: null, errors: null }));
        } catch (error) {
          setImmediate(() => callback && callback({ success: false, returnValue: null, errors: [{ description: String(error) }] }));
        }
      },
      unsubscribe(/** @type {any} */ { subscription, callback }) {
        const ok = subscribers.get(subscription.channel)?.delete(subscription.listener) ?? false;
        setImmediate(() => callback && callback({ success: ok, returnValue: null, errors: ok ? null : [{ description: "not subscribed" }] }));
      },
    },
    /**
     * An Aura lightning:messageChannel: publish(payload), and onMessage(message) where the
     * message's fields are read with getParam.
     * @param {string} type
     * @param {(message: any) => void} onMessage
     */
    auraChannel(type, onMessage) {
      if (!declared[type]) throw new Error(`no message channel ${type}`);
      const subscription = add(type, (payload) => onMessage(auraMessage(payload)));
      return {
        publish(/** @type {any} */ payload) {
          deliver(type, payload);
        },
        unsubscribe() {
          subscribers.get(type)?.delete(subscription.listener);
        },
      };
    },
  };
}

/** @param {any} payload */
function auraMessage(payload) {
  return {
    getParam: (/** @type {string} */ name) => payload[name],
    getParams: () => ({ ...payload }),
  };
}

/** An Aura event fired at a component: parameters read with getParam. @param {string} name @param {Record<string, any>} params */
export function auraEvent(name, params) {
  return {
    getName: () => name.split(":")[1],
    getParam: (/** @type {string} */ key) => params[key],
    getParams: () => ({ ...params }),
  };
}

/**
 * lightning:omniToolkitAPI, for one agent.
 * @param {{catalog: any, allowed?: string[], status?: string | null, workload?: {configuredCapacity: number, currentWorkload: number}, fire: (event: string, params: any) => void}} setup
 *   allowed: status Ids the agent's profile gives access to (default all); status: current status Id, null = logged out
 */
export function createOmniToolkit(setup) {
  const statuses = setup.catalog.statuses;
  const allowed = new Set((setup.allowed ?? statuses.map((/** @type {any} */ s) => s.id)).map((/** @type {string} */ id) => id.slice(0, 15)));
  let current = setup.status === undefined ? statuses[0].id : setup.status;
  const workload = { ...(setup.workload ?? { configuredCapacity: 5, currentWorkload: 0 }) };
  const calls = /** @type {Array<{method: string, args: any}>} */ ([]);
  let failNext = /** @type {any} */ (null);
  /** @param {string} id */
  const find = (id) => statuses.find((/** @type {any} */ s) => s.id.slice(0, 15) === id.slice(0, 15));
  /** @param {any} s */
  const channelsOf = (s) => (s.developerName === "Available" ? JSON.stringify([{ channelId: "0N9xx0000000001", developerName: "sfdc_case" }]) : "[]");
  const later = (/** @type {() => void} */ fn) => setImmediate(fn);

  const api = {
    /** @param {{statusId: string}} args */
    setServicePresenceStatus(args) {
      calls.push({ method: "setServicePresenceStatus", args: structuredClone(args) }); // args come from the Aura realm
      if (failNext) {
        const error = failNext;
        failNext = null;
        return Promise.reject(error);
      }
      const status = args && typeof args.statusId === "string" ? find(args.statusId) : null;
      if (!status) return Promise.reject(new Error(`Invalid status Id: ${args && args.statusId}`));
      if (!allowed.has(status.id.slice(0, 15))) {
        return Promise.reject({ message: "You don't have access to the presence status you selected.", errorCode: "INSUFFICIENT_ACCESS" });
      }
      const wasLoggedOut = current === null;
      current = status.id;
      later(() => {
        if (wasLoggedOut) setup.fire("lightning:omniChannelLoginSuccess", { statusId: status.id });
        setup.fire("lightning:omniChannelStatusChanged", {
          statusId: status.id,
          channels: channelsOf(status),
          statusName: status.label,
          statusApiName: status.developerName,
          reason: "OmniToolkitStatusChange",
        });
      });
      return Promise.resolve({ statusId: status.id, channels: channelsOf(status), statusName: status.label, statusApiName: status.developerName });
    },
    logout() {
      calls.push({ method: "logout", args: undefined });
      current = null;
      later(() => setup.fire("lightning:omniChannelLogout", {}));
      return Promise.resolve(true);
    },
    getServicePresenceStatusId() {
      calls.push({ method: "getServicePresenceStatusId", args: undefined });
      if (current === null) return Promise.reject(new Error("Agent is not logged in to Omni-Channel"));
      const status = find(current);
      return Promise.resolve({ statusId: status.id, statusName: status.label, statusApiName: status.developerName });
    },
    getAgentWorkload() {
      calls.push({ method: "getAgentWorkload", args: undefined });
      return Promise.resolve({
        configuredCapacity: workload.configuredCapacity,
        currentWorkload: workload.currentWorkload,
        configuredInterruptibleCapacity: 0,
        currentInterruptibleWorkload: 0,
      });
    },
  };
  return {
    api,
    calls,
    get current() {
      return current;
    },
    /** The next setServicePresenceStatus rejects with this. @param {any} error */
    failNextWith(error) {
      failNext = error;
    },
  };
}

/**
 * The real PresenceSyncBridge bundle, running in a vm context with a fake $A.
 * @param {{lms: ReturnType<typeof createLms>, omni: ReturnType<typeof createOmniToolkit>["api"], apex: Record<string, () => {state: string, returnValue?: any, error?: any[]}>}} setup
 */
export function loadAuraBridge(setup) {
  const dir = path.join(metadataRoot, "aura", "PresenceSyncBridge");
  const cmp = parseXml(readFileSync(path.join(dir, "PresenceSyncBridge.cmp"), "utf8"));
  const controllerSource = readFileSync(path.join(dir, "PresenceSyncBridgeController.js"), "utf8");
  const helperSource = readFileSync(path.join(dir, "PresenceSyncBridgeHelper.js"), "utf8");
  const consoleErrors = /** @type {any[]} */ ([]);
  const apexCalls = /** @type {string[]} */ ([]);
  let valid = true;

  const $A = {
    getCallback(/** @type {Function} */ fn) {
      return function (/** @type {any[]} */ ...args) {
        if (!valid) return undefined;
        // @ts-ignore
        return fn.apply(this, args);
      };
    },
    enqueueAction(/** @type {any} */ action) {
      apexCalls.push(action.name);
      setImmediate(() => {
        const handler = setup.apex[action.name.replace(/^c\./, "")];
        const outcome = handler ? handler() : { state: "ERROR", error: [{ message: `Unknown controller action '${action.name}'` }] };
        const response = {
          getState: () => outcome.state,
          getReturnValue: () => (outcome.state === "SUCCESS" ? structuredClone(outcome.returnValue) : null),
          getError: () => outcome.error ?? [],
        };
        action.callback.call(action.scope, response);
      });
    },
  };
  const context = vm.createContext({
    $A,
    console: { error: (/** @type {any[]} */ ...args) => consoleErrors.push(args), log() {}, warn() {} },
    Promise,
    JSON,
  });
  const controller = vm.runInContext(`(${controllerSource})`, context, { filename: "PresenceSyncBridgeController.js" });
  const helper = vm.runInContext(`(${helperSource})`, context, { filename: "PresenceSyncBridgeHelper.js" });

  /** @type {Record<string, string>} */
  const handlers = {};
  let initAction = "";
  /** @type {any} */
  let channelElement = null;
  for (const element of allElements(cmp)) {
    const action = /^\{!\s*c\.(\w+)\s*\}$/.exec(element.attrs.action ?? element.attrs.onMessage ?? "");
    if (element.name === "aura:handler" && element.attrs.name === "init" && action) initAction = action[1];
    else if (element.name === "aura:handler" && element.attrs.event && action) handlers[element.attrs.event] = action[1];
    else if (element.name === "lightning:messageChannel") channelElement = element;
  }
  const component = {
    isValid: () => valid,
    find(/** @type {string} */ id) {
      if (id === "omniToolkit") return setup.omni;
      if (id === channelElement.attrs["aura:id"]) return channel;
      return undefined;
    },
    get(/** @type {string} */ name) {
      if (!name.startsWith("c.")) throw new Error(`component.get(${name}): only controller actions are faked`);
      if (cmp.attrs.controller !== "PresenceSyncController") throw new Error("the bundle's Apex controller changed");
      return {
        name,
        callback: /** @type {any} */ (null),
        scope: /** @type {any} */ (null),
        setParams() {},
        setCallback(/** @type {any} */ scope, /** @type {any} */ fn) {
          this.scope = scope;
          this.callback = fn;
        },
      };
    },
  };
  const channel = setup.lms.auraChannel(channelElement.attrs.type, (message) => {
    const action = /^\{!\s*c\.(\w+)\s*\}$/.exec(channelElement.attrs.onMessage)[1];
    controller[action](component, message, helper);
  });

  return {
    controller,
    helper,
    handlers,
    consoleErrors,
    apexCalls,
    channelType: channelElement.attrs.type,
    init() {
      controller[initAction](component, auraEvent("aura:init", {}), helper);
    },
    /** Fires an application event (lightning:omniChannel*) at the component. @param {string} event @param {any} params */
    fire(event, params) {
      const action = handlers[event];
      if (!action) throw new Error(`PresenceSyncBridge.cmp has no handler for ${event}`);
      controller[action](component, auraEvent(event, params), helper);
    },
    /** The utility item goes away (app reload): stops listening. */
    destroy() {
      valid = false;
      channel.unsubscribe();
    },
  };
}

/**
 * The Console Integration Toolkit's presence API for one agent (Salesforce Classic console).
 * @param {{catalog: any, status?: string | null, removeEventListener?: boolean}} setup
 */
export function createClassicConsole(setup) {
  const statuses = setup.catalog.statuses;
  let current = setup.status === undefined ? statuses[0].id : setup.status;
  const calls = /** @type {Array<{method: string, args: any[]}>} */ ([]);
  /** @type {Map<string, Set<(result: any) => void>>} */
  const listeners = new Map();
  let answering = true;
  let refuseNext = /** @type {any} */ (null);
  /** @param {string} id */
  const find = (id) => statuses.find((/** @type {any} */ s) => s.id.slice(0, 15) === String(id).slice(0, 15));
  const PRESENCE = {
    LOGIN_SUCCESS: "presence.LOGIN_SUCCESS",
    STATUS_CHANGED: "presence.STATUS_CHANGED",
    LOGOUT: "presence.LOGOUT",
    WORK_ASSIGNED: "presence.WORK_ASSIGNED",
    WORK_ACCEPTED: "presence.WORK_ACCEPTED",
    WORK_DECLINED: "presence.WORK_DECLINED",
    WORK_CLOSED: "presence.WORK_CLOSED",
    WORKLOAD_CHANGED: "presence.WORKLOAD_CHANGED",
  };
  /** @param {(result: any) => void} callback @param {any} result */
  const answer = (callback, result) => {
    if (answering) setImmediate(() => callback(result));
  };
  /** @param {string} type @param {any} payload */
  const emit = (type, payload) => {
    for (const listener of [...(listeners.get(type) ?? [])]) setImmediate(() => listener(structuredClone(payload)));
  };

  const presence = {
    getServicePresenceStatusId(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getServicePresenceStatusId", args: [] });
      if (current === null) return answer(callback, { success: false });
      const s = find(current);
      answer(callback, { success: true, statusId: s.id, statusName: s.label, statusApiName: s.developerName });
    },
    setServicePresenceStatus(/** @type {string} */ statusId, /** @type {(r: any) => void} */ callback) {
      calls.push({ method: "setServicePresenceStatus", args: [statusId] });
      if (refuseNext) {
        const result = refuseNext;
        refuseNext = null;
        return answer(callback, result);
      }
      const s = find(statusId);
      if (!s) return answer(callback, { success: false });
      const wasLoggedOut = current === null;
      current = s.id;
      answer(callback, { success: true, statusId: s.id, channels: "[]", statusName: s.label, statusApiName: s.developerName });
      if (answering) {
        if (wasLoggedOut) emit(PRESENCE.LOGIN_SUCCESS, { statusId: s.id });
        emit(PRESENCE.STATUS_CHANGED, { statusId: s.id, channels: "[]", statusName: s.label, statusApiName: s.developerName });
      }
    },
    logout(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "logout", args: [] });
      current = null;
      answer(callback, { success: true });
      if (answering) emit(PRESENCE.LOGOUT, {});
    },
    getAgentWorkload(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getAgentWorkload", args: [] });
      answer(callback, { success: true, configuredCapacity: 5, currentWorkload: 1 });
    },
    getServicePresenceStatusChannels(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getServicePresenceStatusChannels", args: [] });
      answer(callback, { success: true, channels: "[]" });
    },
  };
  /** @type {any} */
  const sforceConsole = {
    presence,
    ConsoleEvent: { OPEN_TAB: "opentab", CLOSE_TAB: "closetab", PRESENCE },
    isInConsole: () => true,
    addEventListener(/** @type {string} */ type, /** @type {(r: any) => void} */ listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      /** @type {Set<any>} */ (listeners.get(type)).add(listener);
    },
  };
  if (setup.removeEventListener !== false) {
    sforceConsole.removeEventListener = (/** @type {string} */ type, /** @type {(r: any) => void} */ listener) => {
      listeners.get(type)?.delete(listener);
    };
  }
  return {
    sforce: { console: sforceConsole },
    calls,
    PRESENCE,
    get current() {
      return current;
    },
    /** @param {keyof typeof PRESENCE} key @param {any} payload */
    fire(key, payload) {
      emit(PRESENCE[key], payload);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    /** The console stops calling back (frozen), or starts again. @param {boolean} on */
    answering(on) {
      answering = on;
    },
    /** The next setServicePresenceStatus answers this. @param {any} result */
    refuseNextWith(result) {
      refuseNext = result;
    },
  };
}
