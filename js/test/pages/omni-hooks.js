// @ts-check
// Test-page hooks over the one Omni-Channel fake (js/test/fakes/omni.js), shared by the pages
// that use it directly: the writes the pages' adapters made, in the order made, and failing
// the next writes with a Salesforce error type.

/** @param {ReturnType<typeof import("/fakes/index.js").createOmni>} omni */
export function omniTestHooks(omni) {
  return {
    /** The writes to Omni-Channel as [method, statusId | null, outcome | null]: setStatus, logout. */
    omniCalls() {
      return omni.state.calls
        .filter((c) => c.method === "setServicePresenceStatus" || c.method === "logout")
        .map((c) => [c.method === "logout" ? "logout" : "setStatus", c.args?.statusId ?? null, c.outcome ?? null]);
    },
    /**
     * The next `times` writes fail with a Salesforce error of this type.
     * @param {string} type
     * @param {number} [times]
     */
    failOmni(type, times = 1) {
      for (let i = 0; i < times; i++) omni.failNext({ type, errorCode: type, message: "simulated " + type });
    },
  };
}
