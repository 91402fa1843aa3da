// @ts-check
/**
 * `PresenceSync.lint(rules, options?)`: the module's own check of a rules document, the
 * same as `presencesync lint` and as `start`'s compile — every error and warning, each with
 * its rule, field, value, what is allowed, a did-you-mean, and its line and column in the
 * text. For an editor that checks rules as an admin types, and before replacing the rules
 * of a running sync. It loads the module (once per page) and creates no engine: nothing is
 * subscribed, nothing written.
 */

import { psError, describe } from "./errors.js";
import { loadEngine } from "./loader.js";
import { lintRules } from "./bridge.js";

/**
 * Checks a rules document. Resolves with `{ok, problems}` (`ok`: no errors); rejects only
 * when the module cannot be loaded (`wasm-blocked`, `wasm-load-failed`) or the argument is
 * not a document (`invalid-options`).
 * @param {object | string} rules the document as JSON text (lines and columns are in this
 *   text), or as an object (they are then in `JSON.stringify(rules, null, 2)`)
 * @param {{wasmUrl?: string, wasmExecUrl?: string}} [options] where the module is (as for start)
 * @returns {Promise<import("./types.js").LintResult>}
 */
export async function lint(rules, options = {}) {
  let text;
  if (typeof rules === "string") {
    text = rules;
  } else if (rules && typeof rules === "object") {
    try {
      text = JSON.stringify(rules, null, 2);
    } catch (e) {
      throw psError("invalid-rules", `The rules cannot be serialised: ${describe(e)}`);
    }
  } else {
    throw psError("invalid-options", "PresenceSync.lint needs the rules document, as an object or JSON text");
  }
  const mod = await loadEngine({ wasmUrl: options?.wasmUrl, wasmExecUrl: options?.wasmExecUrl });
  return lintRules(mod, text);
}
