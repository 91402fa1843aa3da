// Security by inspection: no source file of the module, the demo, the Salesforce metadata or
// the WebAssembly bridge evaluates code from text (eval, new Function, Function(...),
// string timers) or parses data as HTML (innerHTML, outerHTML, insertAdjacentHTML,
// document.write, DOMParser, createContextualFragment). The page then works under
// `script-src 'self' 'wasm-unsafe-eval'` (tested in the browser) and data is rendered as text.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..", "..");

/** Directories scanned, and the file kinds that hold code there. */
const ROOTS = ["js/src", "js/demo", "js/salesforce/force-app", "js/salesforce/softphone", "js/fake-ccp", "wasm"];
const EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".html", ".page", ".cmp", ".go", ".component", ".resource"]);

/** [name, pattern]: code that runs text as code, or data as HTML. */
const FORBIDDEN = [
  ["eval(", /(?<![\w$.-])eval\s*\(/],
  ["new Function", /\bnew\s+Function\b/],
  ["Function(", /(?<![\w$.])Function\s*\(/],
  ["string timer", /\bset(?:Timeout|Interval)\s*\(\s*["'`]/],
  ["innerHTML", /\binnerHTML\b/],
  ["outerHTML", /\bouterHTML\b/],
  ["insertAdjacentHTML", /\binsertAdjacentHTML\b/],
  ["document.write", /\bdocument\s*\.\s*write(?:ln)?\s*\(/],
  ["DOMParser", /\bDOMParser\b/],
  ["createContextualFragment", /\bcreateContextualFragment\b/],
  ["srcdoc", /\bsrcdoc\b/],
  // Go reaching the same through syscall/js or dom/v2.
  ['Go: Get("eval") / Get("Function")', /Get\(\s*"(?:eval|Function)"\s*\)/],
  ['Go: "innerHTML"', /"(?:innerHTML|outerHTML)"/],
  ["Go: SetInnerHTML", /\bSet(?:Inner|Outer)HTML\b/],
];

/** @param {string} dir @returns {string[]} */
function files(dir) {
  const abs = path.join(repo, dir);
  if (!fs.existsSync(abs)) return [];
  /** @type {string[]} */
  const out = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "node_modules" || e.name === "dist") continue;
      out.push(...files(rel));
    } else if (EXTENSIONS.has(path.extname(e.name)) && !e.name.endsWith("_test.go")) {
      out.push(rel);
    }
  }
  return out;
}

/**
 * Blanks comments (JS/Go line and block comments, HTML comments) so that prose about
 * these APIs does not count; strings stay, since code can be hidden in them.
 * @param {string} text
 */
function withoutComments(text) {
  return text
    .replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (m, p) => p + " ".repeat(m.length - p.length));
}

describe("no code from text, no HTML from data", () => {
  const all = ROOTS.flatMap(files);

  it("scans the sources", () => {
    assert.ok(all.length > 20, `only ${all.length} files found`);
    for (const must of ["js/src/sync.js", "js/src/loader.js", "js/demo/demo.js", "wasm/main.go"]) assert.ok(all.includes(must), `${must} not scanned`);
  });

  for (const file of all) {
    it(file, () => {
      const text = withoutComments(fs.readFileSync(path.join(repo, file), "utf8"));
      /** @type {string[]} */
      const found = [];
      text.split("\n").forEach((line, i) => {
        for (const [name, re] of FORBIDDEN) if (re.test(line)) found.push(`${file}:${i + 1}: ${name}: ${line.trim().slice(0, 160)}`);
      });
      assert.deepEqual(found, []);
    });
  }

  it("the scanner sees what it looks for", () => {
    const bad = ['eval("x")', "new Function('a', 'b')", "const f = Function('return 1')", "setTimeout('x()', 1)", "el.innerHTML = data", "el.insertAdjacentHTML('beforeend', s)", 'js.Global().Get("eval")', "document.write(x)"];
    for (const b of bad) assert.ok(FORBIDDEN.some(([, re]) => re.test(withoutComments(b))), b);
    const fine = ["'wasm-unsafe-eval'", "typeof x === 'function'", "isFunction(x)", "// eval(x) in a comment", "el.textContent = data", "x.evaluate(fn)"];
    for (const f of fine) assert.ok(!FORBIDDEN.some(([, re]) => re.test(withoutComments(f))), f);
  });
});
