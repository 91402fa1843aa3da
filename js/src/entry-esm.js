// @ts-check
// Entry of the ES module js/dist/presence-sync.mjs. Files default to the module's directory.
import { setScriptUrl } from "./loader.js";

setScriptUrl(import.meta.url);

export * from "./index.js";
