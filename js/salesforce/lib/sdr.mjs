// @ts-check
// Salesforce's own @salesforce/source-deploy-retrieve (the library under `sf project deploy`)
// resolves a Salesforce DX project into components and converts it to metadata format (the
// package.xml and files the Metadata API deploys), offline. A file it cannot place, or places
// in no component, would not be deployed as written: each is a problem.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseXml } from "./xml.mjs";

/**
 * @typedef {{type: string, fullName: string}} Component
 * @typedef {{components: Component[], packageXml: Component[], version: string, files: string[], problems: string[]}} Conversion
 *   components: every component and child component, as type:fullName
 *   packageXml: what the generated package.xml lists; version: its <version>
 *   files: what the metadata-format output holds, relative to it
 */

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/**
 * Converts the project at `root` (sfdx-project.json and its package directories) to metadata
 * format in a temporary directory, removed afterwards.
 * @param {string} root
 * @returns {Promise<Conversion>}
 */
export async function convertProject(root) {
  // @salesforce/core, under SDR, writes a log file into the home directory unless told not to.
  process.env.SF_DISABLE_LOG_FILE ??= "true";
  const { ComponentSet, MetadataConverter } = await import("@salesforce/source-deploy-retrieve");

  /** @type {Conversion} */
  const result = { components: [], packageXml: [], version: "", files: [], problems: [] };
  const project = JSON.parse(readFileSync(path.join(root, "sfdx-project.json"), "utf8"));
  const dirs = (project.packageDirectories ?? []).map((/** @type {{path: string}} */ d) => path.join(root, d.path));

  let set;
  try {
    set = ComponentSet.fromSource(dirs);
  } catch (error) {
    result.problems.push(`source-deploy-retrieve cannot read the source: ${/** @type {Error} */ (error).message}`);
    return result;
  }
  set.sourceApiVersion = String(project.sourceApiVersion);

  /** @type {Set<string>} */
  const claimed = new Set();
  for (const component of set.getSourceComponents().toArray()) {
    for (const c of [component, ...component.getChildren()]) {
      result.components.push({ type: c.type.name, fullName: c.fullName });
      if (c.xml) claimed.add(path.resolve(c.xml));
      for (const file of c.walkContent()) claimed.add(path.resolve(file));
    }
  }
  for (const file of dirs.flatMap(walk)) {
    if (!claimed.has(path.resolve(file))) result.problems.push(`${path.relative(root, file)}: part of no component Salesforce's tooling recognises`);
  }

  const out = mkdtempSync(path.join(os.tmpdir(), "presence-sync-mdapi-"));
  try {
    await new MetadataConverter().convert(set, "metadata", { type: "directory", outputDirectory: out, genUniqueDir: false });
    result.files = walk(out).map((f) => path.relative(out, f).split(path.sep).join("/"));
    const manifest = parseXml(readFileSync(path.join(out, "package.xml"), "utf8"));
    for (const types of manifest.children.filter((c) => c.name === "types")) {
      const name = types.children.find((c) => c.name === "name")?.text.trim() ?? "";
      for (const member of types.children.filter((c) => c.name === "members")) result.packageXml.push({ type: name, fullName: member.text.trim() });
    }
    result.version = manifest.children.find((c) => c.name === "version")?.text.trim() ?? "";
  } catch (error) {
    result.problems.push(`source-deploy-retrieve cannot convert the source to metadata format: ${/** @type {Error} */ (error).message}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const listed = new Set(result.packageXml.map((c) => `${c.type}:${c.fullName}`));
  for (const c of result.components) {
    if (!listed.has(`${c.type}:${c.fullName}`)) result.problems.push(`package.xml does not list ${c.type} ${c.fullName}`);
  }
  if (result.version && result.version !== set.sourceApiVersion) result.problems.push(`package.xml has version ${result.version}, the project ${set.sourceApiVersion}`);
  return result;
}
