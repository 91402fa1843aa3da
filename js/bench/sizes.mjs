// Transfer sizes of what a page downloads (the module, wasm_exec.js, the shim), and what
// each dependency of the module costs: the module built without it, or a small program
// with only the parts below it, each measured raw, gzip -9 and brotli q11.
//
// The variants are built into a temporary directory outside the repository, from a
// scratch module that points at this repository (a replace directive), with the flags
// the Makefile uses for js/dist/presence-sync.wasm.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

/**
 * @param {Buffer} b
 * @returns {{raw: number, gzip: number, brotli: number}}
 */
export function sizesOf(b) {
  return {
    raw: b.length,
    gzip: zlib.gzipSync(b, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(b, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
    }).length,
  };
}

/**
 * The files a page downloads, from js/dist.
 * @param {string} dist
 */
export function transferSizes(dist) {
  /** @type {Record<string, {raw: number, gzip: number, brotli: number}>} */
  const out = {};
  for (const [name, file] of [["module (presence-sync.wasm)", "presence-sync.wasm"], ["wasm_exec.js", "wasm_exec.js"], ["shim (presence-sync.js)", "presence-sync.js"]]) {
    out[name] = sizesOf(fs.readFileSync(path.join(dist, file)));
  }
  return out;
}

// Small programs for the parts below the engine.
const PROGRAMS = {
  bare: `package main

func main() { select {} }
`,
  syscalljs: `package main

import "syscall/js"

func main() {
	js.Global().Set("f", js.FuncOf(func(_ js.Value, args []js.Value) any { return args[0].String() }))
	select {}
}
`,
  rules: `package main

import (
	"syscall/js"

	"github.com/presence-sync/presence-sync/rules"
)

func main() {
	js.Global().Set("f", js.FuncOf(func(_ js.Value, args []js.Value) any {
		s, err := rules.NewSession([]byte(args[0].String()))
		if err != nil {
			return string(rules.ErrorJSON(err))
		}
		return string(s.Handle([]byte(args[1].String())))
	}))
	select {}
}
`,
};

/**
 * Builds the variants and returns the cost of each dependency.
 * @param {string} repoRoot
 * @param {{go?: string, log?: (s: string) => void}} [opts]
 */
export function dependencyCosts(repoRoot, opts = {}) {
  const go = opts.go ?? "go";
  const log = opts.log ?? (() => {});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "presence-sync-sizes-"));
  try {
    const gomod = fs.readFileSync(path.join(repoRoot, "go.mod"), "utf8");
    const goLine = /^go\s+\S+/m.exec(gomod)?.[0] ?? "go 1.26";
    const requires = [...gomod.matchAll(/^\s*(github\.com\/norunners\/vert|honnef\.co\/go\/js\/dom\/v2)\s+(\S+)/gm)].map((m) => `\t${m[1]} ${m[2]}`);
    fs.writeFileSync(path.join(tmp, "go.mod"), `module sizes\n\n${goLine}\n\nrequire (\n\tgithub.com/presence-sync/presence-sync v0.0.0\n${requires.join("\n")}\n)\n\nreplace github.com/presence-sync/presence-sync => ${repoRoot}\n`);
    fs.copyFileSync(path.join(repoRoot, "go.sum"), path.join(tmp, "go.sum"));
    const env = { ...process.env, GOOS: "js", GOARCH: "wasm", GOFLAGS: "-mod=mod", GOWORK: "off" };
    // The Makefile's flags for js/dist/presence-sync.wasm (WASM_GCFLAGS: the engine without inlining).
    const gcflags = "-gcflags=github.com/presence-sync/presence-sync/rules=-l";
    /**
     * @param {string} name
     * @param {string} pkg
     * @param {string} dir
     * @param {string[]} [tags]
     */
    const build = (name, pkg, dir, tags = []) => {
      const out = path.join(tmp, name + ".wasm");
      log(`  building ${name}`);
      execFileSync(go, ["build", "-trimpath", "-ldflags=-s -w", gcflags, ...(tags.length ? ["-tags", tags.join(",")] : []), "-o", out, pkg], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
      return sizesOf(fs.readFileSync(out));
    };
    /** @type {Record<string, {raw: number, gzip: number, brotli: number}>} */
    const v = {};
    for (const [name, src] of Object.entries(PROGRAMS)) {
      fs.mkdirSync(path.join(tmp, name));
      fs.writeFileSync(path.join(tmp, name, "main.go"), src);
      v[name] = build(name, "./" + name, tmp);
    }
    const wasmEnv = { ...env, GOFLAGS: "" };
    const buildModule = (/** @type {string} */ name, /** @type {string[]} */ tags) => {
      const out = path.join(tmp, name + ".wasm");
      log(`  building ${name}`);
      execFileSync(go, ["build", "-trimpath", "-ldflags=-s -w", gcflags, ...(tags.length ? ["-tags", tags.join(",")] : []), "-o", out, "./wasm"], { cwd: repoRoot, env: wasmEnv, stdio: ["ignore", "ignore", "inherit"] });
      return sizesOf(fs.readFileSync(out));
    };
    v.lean = buildModule("module-lean", ["novert", "nodom"]);
    v.withVert = buildModule("module-vert", ["nodom"]);
    v.withDom = buildModule("module-dom", ["novert"]);
    v.module = buildModule("module", []);
    /** @param {{raw: number, gzip: number, brotli: number}} a @param {{raw: number, gzip: number, brotli: number}} b */
    const diff = (a, b) => ({ raw: a.raw - b.raw, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli });
    return {
      variants: v,
      costs: [
        { part: "Go runtime (a program that does nothing)", ...v.bare },
        { part: "+ syscall/js (one js.Func)", ...diff(v.syscalljs, v.bare) },
        { part: "+ rules (the engine: parser, validation, evaluation, coordinator, JSON)", ...diff(v.rules, v.syscalljs) },
        { part: "+ wasm/ glue (instances, clock and timer, the exported input path)", ...diff(v.lean, v.rules) },
        { part: "= the lean module (WASM_TAGS=novert,nodom: syscall/js alone)", ...v.lean },
        { part: "+ github.com/norunners/vert (the values that cross; brings in reflect, fmt, os, time; with them, runtime/debug: create pauses the collector, wasm/gc.go)", ...diff(v.withVert, v.lean) },
        { part: "+ honnef.co/go/js/dom/v2 (the page listeners; its BasicNode methods, no Window)", ...diff(v.withDom, v.lean) },
        { part: "= module as shipped (js/dist/presence-sync.wasm: vert and dom/v2)", ...v.module },
      ],
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
