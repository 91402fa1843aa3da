// @ts-check
/**
 * Start-up with a late Salesforce side (branch d-lightning, interim).
 *
 * An adapter whose platform has not answered yet says so with a listener event
 * `{type: "error", code: "timeout", waiting: true}` (the Lightning adapter does, while the
 * Presence Sync utility item or Omni-Channel behind it has not answered). `start` then
 * resolves without the Salesforce side, and the engine starts when the Salesforce side is
 * read; the platform events that arrive meanwhile are held and fed to it after its start, in
 * order (sync.js `#early`), so nothing is lost. Tab leadership begins only then, so that a
 * page still waiting for its Salesforce side never holds the writer role.
 *
 * To be replaced by the engine input `{op: "salesforce", salesforce: {status, statuses,
 * serviceChannels}}` (branch b-engine): the engine will start at once with the Salesforce
 * state unknown and be told it when it arrives.
 */

/** What the race in start resolves to when the adapter reports it is waiting. */
export const WAITING = Symbol("salesforce side waiting");

/**
 * A Writer (writer.js) created only when `begin()` is called; until then this tab is not
 * the writer and shares nothing.
 * @param {() => import("./writer.js").Writer} create
 * @returns {import("./writer.js").Writer & {begin(): Promise<boolean>}}
 */
export function deferredWriter(create) {
  /** @type {import("./writer.js").Writer | null} */
  let real = null;
  return {
    /** Creates the real writer (once) and resolves when its role is known. */
    begin() {
      if (!real) real = create();
      return real.ready;
    },
    get ready() {
      return real ? real.ready : Promise.resolve(false);
    },
    get mode() {
      return real ? real.mode : /** @type {"off"} */ ("off");
    },
    get tabId() {
      return real ? real.tabId : null;
    },
    isWriter() {
      return real ? real.isWriter() : false;
    },
    /** @param {"decision" | "action" | "error"} type @param {Record<string, any>} detail */
    broadcast(type, detail) {
      return real ? real.broadcast(type, detail) : false;
    },
    stop() {
      return real ? real.stop() : Promise.resolve();
    },
  };
}
