// @ts-check
/**
 * Node-only helpers for the fakes: bundles read from disk, markup read with the project's
 * XML reader.
 */

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseXml as readXml } from "../../salesforce/lib/xml.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..", "..");
export const metadataRoot = path.join(repoRoot, "js", "salesforce", "force-app", "main", "default");
export const testdataRoot = path.join(repoRoot, "testdata", "salesforce");

/**
 * @param {string} text
 * @returns {import("./aura.js").XmlNode}
 */
export function parseXml(text) {
  return readXml(text);
}

/**
 * An Aura bundle's files.
 * @param {string} name bundle name
 * @param {string} [dir] the directory holding bundles (default the project's aura/)
 * @returns {import("./aura.js").Bundle}
 */
export function loadBundle(name, dir = path.join(metadataRoot, "aura")) {
  const read = (/** @type {string} */ file) => readFileSync(path.join(dir, name, file), "utf8");
  return { name, cmp: read(`${name}.cmp`), controller: read(`${name}Controller.js`), helper: read(`${name}Helper.js`) };
}

/** @param {string} name a file of testdata/salesforce */
export function loadTestdata(name) {
  return JSON.parse(readFileSync(path.join(testdataRoot, name), "utf8"));
}

/** Lets every pending callback, promise, immediate and 0 ms timer run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
