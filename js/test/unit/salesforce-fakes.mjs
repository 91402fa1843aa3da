// Paths and testdata of the Salesforce tests. The fakes of Salesforce itself are the one
// module js/test/fakes/ (Omni-Channel and its Lightning, Classic and adapter faces, the Aura
// runtime, windows with origins, the manual clock).

import path from "node:path";
import { fileURLToPath } from "node:url";

export { loadTestdata, settle } from "../fakes/node.js";
export { createClock } from "../fakes/clock.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..", "..");
export const salesforceRoot = path.join(repoRoot, "js", "salesforce");
export const metadataRoot = path.join(salesforceRoot, "force-app", "main", "default");
export const testdata = path.join(repoRoot, "testdata", "salesforce");
