// Browser tests: one headless Chromium, one server, several pages.
// Run with `node --test js/test/browser/` (make test-browser).

import { before, after, describe } from "node:test";
import { startHarness } from "./harness.mjs";
import { streamsSuite } from "./streams.suite.mjs";
import { connectSuite } from "./connect.suite.mjs";
import { shimSuite } from "./shim.suite.mjs";
import { demoSuite } from "./demo.suite.mjs";
import { demoTabsSuite } from "./demo-tabs.suite.mjs";
import { demoRulesSuite } from "./demo-rules.suite.mjs";
import { demoFaultsSuite } from "./demo-faults.suite.mjs";
import { tabsSuite } from "./tabs.suite.mjs";
import { faultsSuite } from "./faults.suite.mjs";
import { hostileSuite } from "./hostile.suite.mjs";
import { lightningSuite } from "./lightning.suite.mjs";
import { softphoneSuite } from "./softphone.suite.mjs";
import { consoleSuite } from "./console.suite.mjs";

/** @type {import("./harness.mjs").Harness | undefined} */
let harness;
const h = () => {
  if (!harness) throw new Error("harness not started");
  return harness;
};

describe("browser", () => {
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });
  streamsSuite(h);
  connectSuite(h);
  shimSuite(h);
  demoSuite(h);
  demoTabsSuite(h);
  demoRulesSuite(h);
  demoFaultsSuite(h);
  tabsSuite(h);
  faultsSuite(h);
  hostileSuite(h);
  lightningSuite(h);
  softphoneSuite(h);
  consoleSuite(h);
});
