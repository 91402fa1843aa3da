// Profiles presence-sync's per-event path in headless Chromium (a development aid, not
// part of `make bench`): the bench page with N rules (default 10), COUNT events
// (default 3000) driven from the fake CCP, the page's CPU profile summarised by self time.
//   node js/bench/profile.mjs [N] [COUNT] [baseline]
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startBenchServer } from "./server.mjs";
import { CCP_HOST, CHROMIUM, CHROMIUM_ARGS } from "../test/browser/harness.mjs";
import { CYCLE } from "./rulesets.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const n = Number(process.argv[2] ?? 10);
const count = Number(process.argv[3] ?? 3000);
const system = process.argv[4] === "baseline" ? "baseline" : "sync";
const srv = await startBenchServer();
const host = CCP_HOST;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [...CHROMIUM_ARGS],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("pageerror", String(e)));
  const ccp = `http://${host}:${srv.port}/fake-ccp/index.html`;
  await page.goto(`${srv.url}/bench/page.html?n=${n}&ccp=${encodeURIComponent(ccp)}&opts=${encodeURIComponent(process.env.SYNC_OPTIONS || "{}")}`);
  await page.waitForFunction(() => /** @type {any} */ (window).benchReady === true);
  let frame;
  while (!(frame = page.frames().find((f) => f.url().startsWith(`http://${host}:`)))) await page.waitForTimeout(20);
  await page.waitForFunction(() => true);
  await page.evaluate((s) => (s === "sync" ? /** @type {any} */ (window).B.startSync(JSON.parse(new URLSearchParams(location.search).get("opts") || "{}")) : /** @type {any} */ (window).B.startBaseline()), system);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  await page.evaluate(() => /** @type {any} */ (window).B.reset());
  await frame.evaluate(({ count, cycle }) => new Promise((resolve) => {
    const ch = new MessageChannel();
    let i = 0;
    ch.port1.onmessage = () => {
      /** @type {any} */ (window).fakeCCP.setState(cycle[i++ % cycle.length]);
      if (i < count) ch.port2.postMessage(0);
      else resolve(undefined);
    };
    ch.port2.postMessage(0);
  }), { count, cycle: CYCLE });
  await page.waitForFunction((c) => /** @type {any} */ (window).B.state().events >= c, count);
  const { profile } = await cdp.send("Profiler.stop");
  console.log(JSON.stringify(await page.evaluate(() => /** @type {any} */ (window).B.stats())));
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  /** @type {Map<string, number>} */
  const self = new Map();
  const dt = profile.timeDeltas ?? [];
  profile.samples?.forEach((id, i) => {
    const node = byId.get(id);
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url ? path.basename(f.url) + ":" + f.lineNumber : ""}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(((v / total) * 100).toFixed(1).padStart(5) + "% " + k);
  fs.writeFileSync(path.join(here, "..", "test", "artifacts", "bench-profile.cpuprofile"), JSON.stringify(profile));
} finally {
  await browser.close();
  await srv.close();
}
