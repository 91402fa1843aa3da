// @ts-check
/**
 * Which tab writes. The seam for tab leadership: with `leadership` on (the default) a
 * later change elects one writer among the tabs that share the agent (leadership.js) and
 * tells the engine with `{op: "leader"}` whenever that changes; until then this tab is
 * the writer, with leadership on or off.
 */

/**
 * @typedef {{ready: Promise<boolean>, isWriter(): boolean, onChange(f: (writer: boolean) => void): void, stop(): void}} Writer
 */

/**
 * @param {{leadership: boolean}} _opts
 * @returns {Writer}
 */
export function singleWriter(_opts) {
  return {
    ready: Promise.resolve(true),
    isWriter: () => true,
    onChange() {},
    stop() {},
  };
}
