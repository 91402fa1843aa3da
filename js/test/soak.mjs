#!/usr/bin/env node
// Soak test: drives many platform events through the module in headless Chromium (the real
// Streams against the fake CCP, the shim with the engine in WebAssembly, the simulated
// Omni-Channel), and samples at intervals, after forcing garbage collection:
//   - the JS heap (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage),
//   - the WebAssembly linear memory of the Go instance (its buffer's byteLength),
//   - Go's heap in use, when the module's stats() reports it (stats({gc: true})),
//   - the live js.Func count (and the engine instances, Streams subscriptions, Omni listeners).
// It prints a table, writes JSON, and fails when a figure grows after warm-up:
//   JS heap used   at most +10% over the post-warm-up sample (+256 KiB for tiny heaps),
//   wasm memory    at most 512 KiB (8 pages) over the post-warm-up sample: linear memory
//                  never shrinks, and Go's allocator may take a few more pages once as its
//                  heap settles; a leak shows as growth without bound here and in the Go heap,
//   Go heap in use at most +10% over the post-warm-up sample (+256 KiB),
//   js.Func        exactly the count after warm-up (and after start),
//   subscriptions  constant.
// Two things that grow in the page are Streams', not the module's, and the soak page takes
// them out of the way as the real CCP would (js/test/pages/soak-page.js): Streams keeps its
// log for up to an hour (rolled every 30 minutes; the page rolls it every second), and it
// queues an internal log entry (about 1.5 KB, with a stack trace) per agent.setState for its
// CCP window to upload, a queue nothing drains in a page that embeds the CCP (the page
// empties it; the report counts the entries as streamsInternalLogsDrained).
//
// Usage:
//   node js/test/soak.mjs [--events N] [--samples K] [--json FILE] [--quiet]
//   SOAK_EVENTS=N node js/test/soak.mjs          (default 100000; `make soak`)
// As a module (make bench):
//   import { runSoak, formatTable } from "./js/test/soak.mjs";
//   const report = await runSoak({ events: 100000 });  // see the Report typedef below
//   console.log(formatTable(report));
//
// Exit status: 0 when every figure holds, 1 when one grows, 2 when the run itself failed.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startHarness, ccpFrame, waitFor, ARTIFACTS } from "./browser/harness.mjs";

/**
 * @typedef {{
 *   events: number, driven: number, t: number,
 *   jsHeapUsed: number, jsHeapTotal: number,
 *   wasmMemory: number | null, goHeapInuse: number | null, goHeapAlloc: number | null,
 *   liveFuncs: number | null, instances: number | null,
 *   streamsSubscriptions: number | null, omniListeners: number,
 *   decisions: number, actions: number, errors: number,
 * }} Sample
 * @typedef {{
 *   name: "presence-sync soak", ok: boolean, failures: string[],
 *   events: number, warmupEvents: number, durationMs: number, eventsPerSecond: number,
 *   driven: {omni: number, connect: number}, decisions: number, actions: number, errors: Record<string, number>,
 *   streamsInternalLogsDrained: number,
 *   limits: {jsHeapGrowth: number, goHeapGrowth: number, slackBytes: number, wasmMemoryGrowth: number, liveFuncsGrowth: 0},
 *   figures: {start: Sample, warm: Sample, end: Sample},
 *   growth: {jsHeap: number, goHeap: number | null, wasmMemory: number | null, liveFuncs: number | null},
 *   samples: Sample[],
 *   browser: string,
 * }} Report
 */

export const DEFAULTS = Object.freeze({ events: 100000, samples: 20, warmupFraction: 0.2, connectShare: 0.2 });
export const LIMITS = Object.freeze({ jsHeapGrowth: 0.1, goHeapGrowth: 0.1, slackBytes: 256 * 1024, wasmMemoryGrowth: 512 * 1024, liveFuncsGrowth: 0 });

/**
 * Runs the soak. Resolves with the report; rejects only when the run itself fails.
 * @param {{events?: number, samples?: number, warmupFraction?: number, log?: (line: string) => void}} [opts]
 * @returns {Promise<Report>}
 */
export async function runSoak(opts = {}) {
  const events = Math.max(100, Math.floor(opts.events ?? DEFAULTS.events));
  const nSamples = Math.max(4, Math.floor(opts.samples ?? DEFAULTS.samples));
  const warmupEvents = Math.floor(events * (opts.warmupFraction ?? DEFAULTS.warmupFraction));
  const log = opts.log ?? (() => {});
  const h = await startHarness();
  const t0 = Date.now();
  try {
    const ccp = `${h.ccpBase}/fake-ccp/index.html?ui=0&keep=200&latency=5`;
    const context = await h.browser.newContext();
    const page = await h.openIn(context, `/pages/soak.html?ccp=${encodeURIComponent(ccp)}`);
    const frame = await ccpFrame(page);
    await waitFor(page, () => window.soakReady);
    await page.evaluate(() => window.soak.start({ loopMaxWrites: 1000000 }));
    const cdp = await context.newCDPSession(page);

    /** @param {number} driven @returns {Promise<Sample>} */
    const sample = async (driven) => {
      // events: what reached the module (one decision per event: the platforms' changes,
      // the agent's and the echoes of the module's own writes); driven: what the test did.
      await page.evaluate(() => window.soak.settle(400));
      for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage");
      const heap = /** @type {{usedSize: number, totalSize: number}} */ (await cdp.send("Runtime.getHeapUsage"));
      const f = await page.evaluate(() => window.soak.figures(true));
      return {
        events: f.decisions,
        driven,
        t: Date.now() - t0,
        jsHeapUsed: heap.usedSize,
        jsHeapTotal: heap.totalSize,
        wasmMemory: f.wasmMemory,
        goHeapInuse: f.goHeapInuse,
        goHeapAlloc: f.goHeapAlloc,
        liveFuncs: f.liveFuncs,
        instances: f.instances,
        streamsSubscriptions: f.streamsSubscriptions,
        omniListeners: f.omniListeners,
        decisions: f.decisions,
        actions: f.actions,
        errors: f.errors,
      };
    };

    /** @type {Sample[]} */
    const samples = [await sample(0)];
    log(`start: ${row(samples[0])}`);
    const chunk = Math.ceil(events / nSamples);
    let driven = 0;
    const drivenBy = { omni: 0, connect: 0 };
    const tRun = Date.now();
    let runMs = 0;
    while (samples[samples.length - 1].events < events) {
      const left = events - samples[samples.length - 1].events;
      const n = Math.max(50, Math.min(chunk, Math.ceil(left * 1.05)));
      const nConnect = Math.round(n * DEFAULTS.connectShare);
      const nOmni = n - nConnect;
      const t = Date.now();
      await Promise.all([
        page.evaluate((k) => window.soak.omni(k), nOmni),
        frame.evaluate(async (k) => {
          const names = ["Available", "Lunch", "Break", "Coffee", "Training", "Back Office", "At Capacity", "Available"];
          let s = 777;
          for (let i = 0; i < k; i++) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            window.fakeCCP.setState(names[s % names.length]);
            if ((i + 1) % 10 === 0) await new Promise((r) => setTimeout(r, 0));
          }
        }, nConnect),
      ]);
      runMs += Date.now() - t;
      driven += n;
      drivenBy.omni += nOmni;
      drivenBy.connect += nConnect;
      const s = await sample(driven);
      samples.push(s);
      log(`${String(driven).padStart(7)}: ${row(s)}`);
    }
    const final = await page.evaluate(() => window.soak.figures(false));
    await page.evaluate(() => window.soak.stop());
    const stopped = await page.evaluate(() => window.soak.figures(false));
    await context.close();

    const warm = samples.find((s) => s.events >= warmupEvents && s.events > 0) ?? samples[1];
    const end = samples[samples.length - 1];
    const failures = check(samples, warm, stopped);
    /** @type {Report} */
    const report = {
      name: "presence-sync soak",
      ok: failures.length === 0,
      failures,
      events,
      warmupEvents: warm.events,
      durationMs: Date.now() - tRun,
      eventsPerSecond: Math.round(samples[samples.length - 1].events / (runMs / 1000)),
      driven: drivenBy,
      decisions: final.decisions,
      actions: final.actions,
      errors: final.errorCodes,
      streamsInternalLogsDrained: final.streamsInternalLogsDrained,
      limits: { ...LIMITS },
      figures: { start: samples[0], warm, end },
      growth: {
        jsHeap: ratio(end.jsHeapUsed, warm.jsHeapUsed),
        goHeap: end.goHeapInuse !== null && warm.goHeapInuse !== null ? ratio(end.goHeapInuse, warm.goHeapInuse) : null,
        wasmMemory: end.wasmMemory !== null && warm.wasmMemory !== null ? end.wasmMemory - warm.wasmMemory : null,
        liveFuncs: end.liveFuncs !== null && warm.liveFuncs !== null ? end.liveFuncs - warm.liveFuncs : null,
      },
      samples,
      browser: h.browser.version(),
    };
    return report;
  } finally {
    await h.close();
  }
}

/** @param {number} a @param {number} b */
function ratio(a, b) {
  return b > 0 ? Math.round(((a - b) / b) * 10000) / 10000 : 0;
}

/**
 * @param {Sample[]} samples
 * @param {Sample} warm
 * @param {any} stopped figures after stop()
 * @returns {string[]}
 */
function check(samples, warm, stopped) {
  const failures = [];
  const after = samples.filter((s) => s.events > warm.events);
  for (const s of after) {
    const at = `after ${s.events} events`;
    const jsMax = warm.jsHeapUsed * (1 + LIMITS.jsHeapGrowth) + LIMITS.slackBytes;
    if (s.jsHeapUsed > jsMax) failures.push(`${at}: JS heap ${mb(s.jsHeapUsed)} > ${mb(jsMax)} (post-warm-up ${mb(warm.jsHeapUsed)} + ${LIMITS.jsHeapGrowth * 100}%)`);
    if (s.wasmMemory !== null && warm.wasmMemory !== null && s.wasmMemory > warm.wasmMemory + LIMITS.wasmMemoryGrowth) {
      failures.push(`${at}: WebAssembly memory grew to ${mb(s.wasmMemory)} from ${mb(warm.wasmMemory)} (limit +${mb(LIMITS.wasmMemoryGrowth)})`);
    }
    if (s.goHeapInuse !== null && warm.goHeapInuse !== null) {
      const goMax = warm.goHeapInuse * (1 + LIMITS.goHeapGrowth) + LIMITS.slackBytes;
      if (s.goHeapInuse > goMax) failures.push(`${at}: Go heap in use ${mb(s.goHeapInuse)} > ${mb(goMax)}`);
    }
    if (s.liveFuncs !== warm.liveFuncs) failures.push(`${at}: live js.Func ${s.liveFuncs}, ${warm.liveFuncs} after warm-up`);
    if (s.streamsSubscriptions !== warm.streamsSubscriptions) failures.push(`${at}: Streams subscriptions ${s.streamsSubscriptions}, ${warm.streamsSubscriptions} after warm-up`);
    if (s.omniListeners !== warm.omniListeners) failures.push(`${at}: Omni listeners ${s.omniListeners}, ${warm.omniListeners} after warm-up`);
  }
  if (warm.wasmMemory === null) failures.push("the WebAssembly memory could not be read (the soak page did not see the module instantiated)");
  if (warm.liveFuncs === null) failures.push("the engine did not report its live js.Func count");
  if (samples[0].liveFuncs !== warm.liveFuncs) failures.push(`live js.Func ${warm.liveFuncs} after warm-up, ${samples[0].liveFuncs} after start`);
  if (stopped.liveFuncs !== 0 || stopped.instances !== 0) failures.push(`after stop(): ${stopped.liveFuncs} js.Func and ${stopped.instances} engines still alive`);
  if (stopped.omniListeners !== 0) failures.push(`after stop(): ${stopped.omniListeners} Omni listeners left`);
  return failures;
}

/** @param {number | null} b */
function mb(b) {
  return b === null ? "n/a" : `${(b / 1048576).toFixed(2)} MB`;
}

/** @param {Sample} s */
function row(s) {
  return `JS heap ${mb(s.jsHeapUsed)}, wasm memory ${mb(s.wasmMemory)}, Go heap ${mb(s.goHeapInuse)}, js.Func ${s.liveFuncs}, decisions ${s.decisions}`;
}

/**
 * The report as a table: one row per sample, then start / after warm-up / end and the verdict.
 * @param {Report} r
 * @returns {string}
 */
export function formatTable(r) {
  const head = ["events", "driven", "time s", "JS heap MB", "JS total MB", "wasm mem MB", "Go heap MB", "js.Func", "actions"];
  const mbv = (/** @type {number | null} */ b) => (b === null ? "n/a" : (b / 1048576).toFixed(2));
  const rows = r.samples.map((s) => [String(s.events), String(s.driven), (s.t / 1000).toFixed(1), mbv(s.jsHeapUsed), mbv(s.jsHeapTotal), mbv(s.wasmMemory), mbv(s.goHeapInuse), String(s.liveFuncs), String(s.actions)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  const out = [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ""];
  const f = r.figures;
  const fig = (/** @type {string} */ label, /** @type {Sample} */ s) =>
    `${label.padEnd(18)} JS heap ${mbv(s.jsHeapUsed)} MB, wasm memory ${mbv(s.wasmMemory)} MB, Go heap ${mbv(s.goHeapInuse)} MB, js.Func ${s.liveFuncs}`;
  out.push(fig("start", f.start), fig(`after warm-up (${f.warm.events})`, f.warm), fig(`end (${f.end.events})`, f.end));
  out.push(
    `${r.decisions} events through the module (one decision each), driven by ${r.driven.omni} Omni-Channel and ${r.driven.connect} Connect changes; ` +
      `${r.actions} action updates, errors ${JSON.stringify(r.errors)}; ${r.eventsPerSecond} events/s ` +
      `(Streams' own upload queue, emptied as its CCP would: ${r.streamsInternalLogsDrained} entries)`,
    `growth after warm-up: JS heap ${(r.growth.jsHeap * 100).toFixed(1)}% (limit ${r.limits.jsHeapGrowth * 100}%), wasm memory ${r.growth.wasmMemory === null ? "n/a" : r.growth.wasmMemory + " bytes"} (limit ${r.limits.wasmMemoryGrowth} bytes), ` +
      `Go heap ${r.growth.goHeap === null ? "n/a (the module does not report it)" : (r.growth.goHeap * 100).toFixed(1) + "%"}, js.Func ${r.growth.liveFuncs} (limit 0)`,
    r.ok ? "soak: OK — nothing grows after warm-up" : `soak: FAILED\n  ${r.failures.join("\n  ")}`,
  );
  return out.join("\n");
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{events: number, samples: number, json: string, quiet: boolean}} */
  const o = {
    events: Number(process.env.SOAK_EVENTS ?? DEFAULTS.events),
    samples: Number(process.env.SOAK_SAMPLES ?? DEFAULTS.samples),
    json: path.join(ARTIFACTS, "soak.json"),
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--events") o.events = Number(argv[++i]);
    else if (a === "--samples") o.samples = Number(argv[++i]);
    else if (a === "--json") o.json = argv[++i];
    else if (a === "--quiet") o.quiet = true;
    else throw new Error(`unknown argument ${a}; usage: node js/test/soak.mjs [--events N] [--samples K] [--json FILE] [--quiet]`);
  }
  if (!Number.isFinite(o.events) || o.events < 100) throw new Error("--events must be a number of at least 100");
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  console.log(`presence-sync soak: ${o.events} events, ${o.samples} samples`);
  const report = await runSoak({ events: o.events, samples: o.samples, log: o.quiet ? undefined : (l) => console.log("  " + l) });
  fs.mkdirSync(path.dirname(o.json), { recursive: true });
  fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + "\n");
  console.log(formatTable(report));
  console.log(`written: ${path.relative(process.cwd(), o.json)}`);
  process.exitCode = report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`soak: the run failed: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 2;
  });
}
