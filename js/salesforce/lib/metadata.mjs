// @ts-check
// Checks the Salesforce DX source under js/salesforce/force-app: every file well-formed, the
// meta files of the right type and API version, the Apex classes (lib/apex.mjs: parsed by
// @apexdevtools/apex-parser), the custom metadata type, its layout and records
// (lib/records.mjs), and the names one file uses of another (message channel, Apex class and
// methods, Visualforce page, static resource and the files inside it, call center settings,
// permission set grants) present where they are referenced. Whether Salesforce's own tooling
// recognises every component is lib/sdr.mjs's job.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { checkApex, parseApex, staticMethods, testClasses } from "./apex.mjs";
import { checkLayouts, readObjects, readRecords } from "./records.mjs";
import { XmlError, allElements, childText, childrenNamed, parseXml } from "./xml.mjs";

export const METADATA_NS = "http://soap.sforce.com/2006/04/metadata";

/**
 * The oldest API version the metadata may use: 59.0 (Winter '24), whose Omni-Channel workload
 * events carry the interruptible capacity the engine's interruptible operands read.
 */
export const MIN_API_VERSION = 59;

/** Files the PresenceSync static resource holds (built by build.mjs). */
export const BUNDLE_FILES = Object.freeze([
  "presence-sync.js",
  "presence-sync.wasm",
  "wasm_exec.js",
  "connect-streams.js",
  "softphone.js",
  "rules.json",
]);

/** The Omni-Channel events the bridge must handle. */
export const OMNI_EVENTS = Object.freeze([
  "lightning:omniChannelLoginSuccess",
  "lightning:omniChannelStatusChanged",
  "lightning:omniChannelLogout",
  "lightning:omniChannelWorkAccepted",
  "lightning:omniChannelWorkloadChanged",
]);

/** The commands the bridge (the Presence Sync utility item) must run for the framed page. */
export const BRIDGE_COMMANDS = Object.freeze([
  "setServicePresenceStatus",
  "logout",
  "getServicePresenceStatusId",
  "getAgentWorkload",
]);

const META_ROOTS = /** @type {Record<string, string>} */ ({
  ".cls-meta.xml": "ApexClass",
  ".page-meta.xml": "ApexPage",
  ".cmp-meta.xml": "AuraDefinitionBundle",
  ".messageChannel-meta.xml": "LightningMessageChannel",
  ".resource-meta.xml": "StaticResource",
  ".callCenter-meta.xml": "CallCenter",
  ".permissionset-meta.xml": "PermissionSet",
  ".object-meta.xml": "CustomObject",
  ".field-meta.xml": "CustomField",
  ".listView-meta.xml": "ListView",
  ".layout-meta.xml": "Layout",
  ".md-meta.xml": "CustomMetadata",
});
const XML_LIKE = [".xml", ".cmp", ".page", ".design", ".app", ".evt", ".component"];
/**
 * Objects whose DeveloperName a user reads only with the "View DeveloperName" or the "View
 * Setup and Configuration" user permission (ViewDeveloperName, ViewSetup), since Winter '22:
 * "New Permission Requirements for DeveloperName Field", Salesforce Help (article 000389697,
 * https://help.salesforce.com/s/articleView?id=000389697&type=1), which also says either
 * permission may come from a profile or a permission set. The status catalog reads both.
 */
export const DEVELOPER_NAME_GUARDED = Object.freeze(["ServicePresenceStatus", "ServiceChannel"]);
/** The user permissions (PermissionSet userPermissions names) that grant reading those DeveloperNames. */
export const DEVELOPER_NAME_PERMISSIONS = Object.freeze(["ViewDeveloperName", "ViewSetup"]);
const REQUIRED_CALL_CENTER_ITEMS = ["reqAdapterUrl", "reqUseApi", "reqSoftphoneHeight", "reqSoftphoneWidth", "reqSalesforceCompatibilityMode"];

/**
 * @param {string} dir
 * @returns {string[]} files under dir, relative, with "/" separators
 */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const out = [];
  /** @param {string} rel */
  const visit = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) visit(r);
      else out.push(r);
    }
  };
  visit("");
  return out;
}

/**
 * Top-level function names of an Aura controller/helper object literal.
 * @param {string} source
 */
export function auraFunctions(source) {
  return new Set([...source.matchAll(/^\s{4}(\w+)\s*:\s*function\b/gm)].map((m) => m[1]));
}

/**
 * @param {string} root js/salesforce
 * @param {{bundleFiles?: readonly string[], requireResourceFile?: boolean, softphoneFile?: string}} [options]
 *   requireResourceFile: the static resource files themselves must be present (a built project)
 *   softphoneFile: the softphone glue (default root/softphone/softphone.js)
 */
export function checkMetadata(root, options = {}) {
  const bundleFiles = options.bundleFiles ?? BUNDLE_FILES;
  /** @type {string[]} */
  const problems = [];
  const base = path.join(root, "force-app", "main", "default");
  const files = listFiles(base);
  /** @type {Map<string, import("./xml.mjs").XmlNode>} */
  const parsed = new Map();
  /** @param {string} rel */
  const read = (rel) => readFileSync(path.join(base, rel), "utf8");

  if (!files.length) problems.push(`no metadata under ${path.relative(process.cwd(), base) || base}`);

  // 1. well-formed, and meta files of the right type and namespace
  /** @type {Map<string, string>} */
  const apiVersions = new Map();
  for (const rel of files) {
    if (!XML_LIKE.some((ext) => rel.endsWith(ext))) continue;
    try {
      parsed.set(rel, parseXml(read(rel)));
    } catch (error) {
      if (error instanceof XmlError) problems.push(`${rel}: not well-formed: ${error.message}`);
      else throw error;
      continue;
    }
    const suffix = Object.keys(META_ROOTS).find((s) => rel.endsWith(s));
    if (suffix) {
      const node = /** @type {import("./xml.mjs").XmlNode} */ (parsed.get(rel));
      if (node.name !== META_ROOTS[suffix]) problems.push(`${rel}: root element is <${node.name}>, expected <${META_ROOTS[suffix]}>`);
      if (node.attrs.xmlns !== METADATA_NS) problems.push(`${rel}: xmlns must be ${METADATA_NS}`);
      const api = childText(node, "apiVersion");
      if (api !== undefined) apiVersions.set(rel, api);
    }
  }
  const projectFile = path.join(root, "sfdx-project.json");
  if (existsSync(projectFile)) {
    try {
      const project = JSON.parse(readFileSync(projectFile, "utf8"));
      if (project.sourceApiVersion) apiVersions.set("sfdx-project.json", String(project.sourceApiVersion));
      const dirs = (project.packageDirectories || []).map((/** @type {any} */ d) => d.path);
      if (!dirs.includes("force-app")) problems.push("sfdx-project.json: packageDirectories must include force-app");
    } catch (error) {
      problems.push(`sfdx-project.json: ${/** @type {Error} */ (error).message}`);
    }
  } else {
    problems.push("sfdx-project.json is missing");
  }
  const versions = new Set(apiVersions.values());
  if (versions.size > 1) {
    problems.push(`API versions differ: ${[...apiVersions].map(([f, v]) => `${f} ${v}`).join(", ")}`);
  }
  for (const [rel, v] of apiVersions) {
    if (!/^\d+\.0$/.test(v)) problems.push(`${rel}: apiVersion ${v} is not of the form NN.0`);
    else if (Number(v) < MIN_API_VERSION) problems.push(`${rel}: apiVersion ${v} is older than ${MIN_API_VERSION}.0 (Winter '24), which brought Omni-Channel's interruptible capacity`);
  }

  // 2. custom objects and custom metadata types, their layouts and records
  const objects = readObjects(base, problems, parsed);
  checkLayouts(base, objects, problems, parsed);
  const records = readRecords(base, objects, problems, parsed);

  // 3. Apex classes, parsed
  /** @type {Map<string, {source: string, file: import("./apex.mjs").ApexFile, methods: Map<string, Set<string>>, isTest: boolean}>} */
  const classes = new Map();
  for (const rel of files.filter((f) => /^classes\/\w+\.cls$/.test(f))) {
    const name = path.basename(rel, ".cls");
    const source = read(rel);
    if (!files.includes(`${rel}-meta.xml`)) problems.push(`${rel}: no ${name}.cls-meta.xml`);
    const file = parseApex(source);
    classes.set(name, { source, file, methods: staticMethods(file), isTest: Boolean(file.types[0]?.isTest) });
  }
  for (const rel of files.filter((f) => f.startsWith("classes/") && f.endsWith(".cls-meta.xml"))) {
    if (!files.includes(rel.replace(/-meta\.xml$/, ""))) problems.push(`${rel}: no matching .cls`);
  }
  const apexFiles = new Map([...classes].map(([name, c]) => [name, c.file]));
  /** non-test classes that select DeveloperName of an object in DEVELOPER_NAME_GUARDED (static or text SOQL) */
  const readsGuardedNames = new Set(
    [...classes].filter(([, c]) => !c.isTest && [...c.source.matchAll(/\bSELECT\s+([\w\s,.]+?)\s+FROM\s+(\w+)/gi)].some(
      (m) => DEVELOPER_NAME_GUARDED.includes(m[2]) && m[1].split(",").some((f) => f.trim() === "DeveloperName"),
    )).map(([name]) => name),
  );
  problems.push(...checkApex(apexFiles, { objects: new Map([...objects].map(([name, o]) => [name, new Set(o.fields.keys())])) }));
  /** custom metadata types the (non-test) Apex reads: the permission set must grant them */
  const queriedTypes = new Set(
    [...classes.values()].filter((c) => !c.isTest).flatMap((c) => c.file.queries.map((q) => q.from)).filter((from) => from.endsWith("__mdt")),
  );
  for (const type of queriedTypes) if (!objects.has(type)) problems.push(`Apex queries ${type}, which is not defined under objects/`);
  /** @type {Set<string>} Apex classes named as the controller of a page or component */
  const controllers = new Set();
  /**
   * @param {string} where
   * @param {string} className
   * @param {string} method
   * @param {string} annotation
   */
  const needMethod = (where, className, method, annotation) => {
    const cls = classes.get(className);
    if (!cls) {
      problems.push(`${where}: Apex class ${className} does not exist`);
      return;
    }
    const annotations = cls.methods.get(method);
    if (!annotations) problems.push(`${where}: ${className} has no static method ${method}`);
    else if (!annotations.has(annotation.toLowerCase())) problems.push(`${where}: ${className}.${method} is not @${annotation}`);
  };

  // 4. message channels
  /** @type {Map<string, Set<string>>} channel API name (X__c) → declared fields */
  const channels = new Map();
  for (const rel of files.filter((f) => f.startsWith("messageChannels/") && f.endsWith(".messageChannel-meta.xml"))) {
    const node = parsed.get(rel);
    if (!node) continue;
    const name = path.basename(rel, ".messageChannel-meta.xml");
    if (!childText(node, "masterLabel")) problems.push(`${rel}: masterLabel is required`);
    const fields = new Set(childrenNamed(node, "lightningMessageFields").map((f) => childText(f, "fieldName") || ""));
    channels.set(`${name}__c`, fields);
  }
  /** @param {string} where @param {string} channel */
  const needChannel = (where, channel) => {
    if (!channels.has(channel)) problems.push(`${where}: message channel ${channel} does not exist (messageChannels/${channel.replace(/__c$/, "")}.messageChannel-meta.xml)`);
  };

  // 5. static resources
  const resources = new Set(
    files.filter((f) => f.startsWith("staticresources/") && f.endsWith(".resource-meta.xml")).map((f) => path.basename(f, ".resource-meta.xml")),
  );
  if (options.requireResourceFile) {
    for (const name of resources) {
      if (!files.includes(`staticresources/${name}.resource`)) problems.push(`staticresources/${name}.resource is missing (run make salesforce)`);
    }
  }

  // 6. Aura bundles
  /** @type {Set<string>} */
  const bundles = new Set(files.filter((f) => f.startsWith("aura/")).map((f) => f.split("/")[1]));
  for (const bundle of bundles) {
    const dir = `aura/${bundle}`;
    const cmpRel = `${dir}/${bundle}.cmp`;
    const cmp = parsed.get(cmpRel);
    if (!files.includes(cmpRel)) {
      problems.push(`${dir}: no ${bundle}.cmp`);
      continue;
    }
    if (!files.includes(`${cmpRel}-meta.xml`)) problems.push(`${dir}: no ${bundle}.cmp-meta.xml`);
    if (!cmp) continue;
    if (cmp.name !== "aura:component") problems.push(`${cmpRel}: root element is <${cmp.name}>, expected <aura:component>`);
    const controllerRel = `${dir}/${bundle}Controller.js`;
    const helperRel = `${dir}/${bundle}Helper.js`;
    const controllerJs = files.includes(controllerRel) ? read(controllerRel) : "";
    const helperJs = files.includes(helperRel) ? read(helperRel) : "";
    const actions = auraFunctions(controllerJs);
    const helpers = auraFunctions(helperJs);
    const elements = allElements(cmp);
    const auraIds = new Set(elements.map((e) => e.attrs["aura:id"]).filter(Boolean));

    for (const e of elements) {
      for (const [attr, value] of Object.entries(e.attrs)) {
        const ref = /^\{!\s*c\.(\w+)\s*\}$/.exec(value);
        if (ref && !actions.has(ref[1])) problems.push(`${cmpRel}: ${attr}="${value}" on <${e.name}>, but ${bundle}Controller.js has no ${ref[1]}`);
      }
    }
    for (const m of controllerJs.matchAll(/\bhelper\.(\w+)\s*\(/g)) {
      if (!helpers.has(m[1])) problems.push(`${controllerRel}: calls helper.${m[1]}, which ${bundle}Helper.js does not define`);
    }
    for (const m of helperJs.matchAll(/\b(?:this|self)\.(\w+)\s*\(/g)) {
      if (!helpers.has(m[1])) problems.push(`${helperRel}: calls ${m[1]}, which ${bundle}Helper.js does not define`);
    }
    for (const m of `${controllerJs}\n${helperJs}`.matchAll(/\.find\(\s*["'](\w+)["']\s*\)/g)) {
      if (!auraIds.has(m[1])) problems.push(`${dir}: find("${m[1]}"), but no aura:id="${m[1]}" in ${bundle}.cmp`);
    }
    const apexClass = cmp.attrs.controller;
    if (apexClass) controllers.add(apexClass);
    for (const m of `${controllerJs}\n${helperJs}`.matchAll(/["']c\.(\w+)["']/g)) {
      if (!apexClass) problems.push(`${dir}: calls c.${m[1]} but ${bundle}.cmp names no Apex controller`);
      else needMethod(dir, apexClass, m[1], "AuraEnabled");
    }
    if (apexClass && !classes.has(apexClass)) problems.push(`${cmpRel}: controller ${apexClass} does not exist`);
    const messageChannels = elements.filter((e) => e.name === "lightning:messageChannel");
    const implementsList = (cmp.attrs.implements || "").split(",").map((s) => s.trim());
    // "You can't use lightning:messageChannel in an Aura component that uses the background utility
    // item interface" (Lightning Message Service Limitations, Aura Components Developer Guide,
    // https://developer.salesforce.com/docs/platform/aura-platform/guide/message-channel-considerations.html).
    if (messageChannels.length && implementsList.includes("lightning:backgroundUtilityItem")) {
      problems.push(`${cmpRel}: lightning:messageChannel cannot be used in a lightning:backgroundUtilityItem component (Lightning Message Service Limitations)`);
    }
    for (const mc of messageChannels) {
      needChannel(cmpRel, mc.attrs.type || "(no type)");
      if (mc.attrs.onMessage && !mc.attrs.scope) problems.push(`${cmpRel}: lightning:messageChannel with onMessage needs scope="APPLICATION"`);
      if (!cmp.children.includes(mc)) problems.push(`${cmpRel}: lightning:messageChannel must be an immediate child of aura:component`);
      const fields = channels.get(mc.attrs.type);
      if (fields) {
        for (const m of helperJs.matchAll(/\bmessage\.getParam\(\s*["'](\w+)["']\s*\)/g)) {
          if (!fields.has(m[1])) problems.push(`${helperRel}: reads message field ${m[1]}, not declared in ${mc.attrs.type}`);
        }
      }
    }
    if (bundle === "PresenceSyncBridge") {
      // A rendering utility item holding the toolkit and framing the page (README, "Install in Salesforce").
      if (!implementsList.includes("flexipage:availableForAllPageTypes")) problems.push(`${cmpRel}: must implement flexipage:availableForAllPageTypes (to be a utility item)`);
      if (implementsList.includes("lightning:backgroundUtilityItem")) problems.push(`${cmpRel}: must render (it frames the page), so it cannot be a lightning:backgroundUtilityItem`);
      if (!elements.some((e) => e.name === "lightning:omniToolkitAPI")) problems.push(`${cmpRel}: needs <lightning:omniToolkitAPI>`);
      if (!elements.some((e) => e.name === "iframe")) problems.push(`${cmpRel}: needs the <iframe> that frames the page`);
      const handled = new Set(elements.filter((e) => e.name === "aura:handler").map((e) => e.attrs.event).filter(Boolean));
      for (const event of OMNI_EVENTS) if (!handled.has(event)) problems.push(`${cmpRel}: does not handle ${event}`);
      for (const command of BRIDGE_COMMANDS) {
        if (!new RegExp(`case\\s+["']${command}["']`).test(helperJs)) problems.push(`${helperRel}: does not run the ${command} command`);
      }
    }
  }

  // 7. Visualforce pages
  /** @type {Set<string>} */
  const pages = new Set();
  /** @type {Map<string, Set<string>>} page → the keys of the window.PresenceSyncConfig it writes */
  const pageConfigKeys = new Map();
  for (const rel of files.filter((f) => /^pages\/\w+\.page$/.test(f))) {
    const name = path.basename(rel, ".page");
    pages.add(name);
    if (!files.includes(`${rel}-meta.xml`)) problems.push(`${rel}: no ${name}.page-meta.xml`);
    const node = parsed.get(rel);
    if (!node) continue;
    if (node.name !== "apex:page") problems.push(`${rel}: root element is <${node.name}>, expected <apex:page>`);
    const source = read(rel);
    // With cspHeader="true" Salesforce sends its Content Security Policy with the page and only
    // Trusted URLs extend it; Trusted URLs have no script-src directive (connect-src, font-src,
    // frame-src, img-src, media-src, style-src: CspTrustedSite, Metadata API Developer Guide),
    // so 'wasm-unsafe-eval', which compiling the engine needs, could not be allowed.
    if (String(node.attrs.cspHeader).toLowerCase() === "true") {
      problems.push(`${rel}: cspHeader="true" applies Salesforce's Content Security Policy, whose script-src Trusted URLs cannot extend with 'wasm-unsafe-eval' (WebAssembly would be blocked)`);
    }
    const configKeys = /window\.PresenceSyncConfig\s*=\s*\{([\s\S]*?)\};/.exec(source);
    if (configKeys) pageConfigKeys.set(name, new Set([...configKeys[1].matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1])));
    const controller = node.attrs.controller;
    if (controller) controllers.add(controller);
    if (controller && !classes.has(controller)) problems.push(`${rel}: controller ${controller} does not exist`);
    for (const m of source.matchAll(/\$RemoteAction\.(\w+)\.(\w+)/g)) {
      if (m[1] !== controller) problems.push(`${rel}: $RemoteAction.${m[1]} is not the page's controller`);
      needMethod(rel, m[1], m[2], "RemoteAction");
    }
    for (const m of source.matchAll(/\$Resource\.(\w+)/g)) {
      if (!resources.has(m[1])) problems.push(`${rel}: static resource ${m[1]} does not exist`);
    }
    for (const m of source.matchAll(/URLFOR\(\s*\$Resource\.(\w+)\s*,\s*'([^']+)'\s*\)/g)) {
      if (!bundleFiles.includes(m[2])) problems.push(`${rel}: ${m[1]} holds no file ${m[2]} (it holds ${bundleFiles.join(", ")})`);
    }
    for (const m of source.matchAll(/["'](\w+__c)["']/g)) needChannel(rel, m[1]);
  }

  // 8. call centers
  const softphoneFile = options.softphoneFile ?? path.join(root, "softphone", "softphone.js");
  const softphoneJs = existsSync(softphoneFile) ? readFileSync(softphoneFile, "utf8") : "";
  if (!softphoneJs) problems.push("softphone/softphone.js is missing");
  // Every setting the page glue reads is one the page writes.
  for (const [name, keys] of pageConfigKeys) {
    for (const key of new Set([...softphoneJs.matchAll(/\bconfig\.(\w+)/g)].map((m) => m[1]))) {
      if (!keys.has(key)) problems.push(`softphone/softphone.js reads PresenceSyncConfig.${key}, which pages/${name}.page does not write`);
    }
  }
  for (const rel of files.filter((f) => f.endsWith(".callCenter-meta.xml"))) {
    const node = parsed.get(rel);
    if (!node) continue;
    const adapterUrl = childText(node, "adapterUrl") || "";
    const page = /^\/apex\/(\w+)$/.exec(adapterUrl);
    if (!page) problems.push(`${rel}: adapterUrl ${adapterUrl} is not a /apex/ page`);
    else if (!pages.has(page[1])) problems.push(`${rel}: adapterUrl names page ${page[1]}, which does not exist`);
    for (const required of ["displayName", "displayNameLabel", "internalNameLabel"]) {
      if (!childText(node, required)) problems.push(`${rel}: ${required} is required`);
    }
    /** @type {Map<string, string>} "/section/item" → value */
    const items = new Map();
    for (const section of childrenNamed(node, "sections")) {
      const sectionName = childText(section, "name");
      if (!sectionName || !childText(section, "label")) problems.push(`${rel}: a section lacks its name or label`);
      for (const item of childrenNamed(section, "items")) {
        const itemName = childText(item, "name");
        if (!itemName || !childText(item, "label")) problems.push(`${rel}: an item of ${sectionName} lacks its name or label`);
        items.set(`/${sectionName}/${itemName}`, childText(item, "value") ?? "");
      }
    }
    for (const required of REQUIRED_CALL_CENTER_ITEMS) {
      if (!items.has(`/reqGeneralInfo/${required}`)) problems.push(`${rel}: reqGeneralInfo lacks ${required}`);
    }
    if (items.has("/reqGeneralInfo/reqAdapterUrl") && items.get("/reqGeneralInfo/reqAdapterUrl") !== adapterUrl) {
      problems.push(`${rel}: reqAdapterUrl ${items.get("/reqGeneralInfo/reqAdapterUrl")} differs from adapterUrl ${adapterUrl}`);
    }
    const custom = childText(node, "customSettings");
    if (custom) {
      try {
        const settings = JSON.parse(custom);
        for (const [key, value] of items) {
          const itemName = key.split("/")[2];
          if (Object.prototype.hasOwnProperty.call(settings, itemName) && settings[itemName] !== value) {
            problems.push(`${rel}: customSettings ${itemName} is ${settings[itemName]}, its item says ${value}`);
          }
        }
      } catch {
        problems.push(`${rel}: customSettings is not JSON`);
      }
    }
    for (const m of softphoneJs.matchAll(/["'](\/req\w+\/req\w+)["']/g)) {
      if (!items.has(m[1])) problems.push(`softphone/softphone.js reads call center setting ${m[1]}, which ${rel} does not define`);
    }
  }

  // 9. permission sets
  for (const rel of files.filter((f) => f.endsWith(".permissionset-meta.xml"))) {
    const node = parsed.get(rel);
    if (!node) continue;
    if (!childText(node, "label")) problems.push(`${rel}: label is required`);
    // "Description: A description of the permission set. Limit: 255 characters." (PermissionSet,
    // Tooling API Developer Guide)
    const permissionSetDescription = childText(node, "description") ?? "";
    if (permissionSetDescription.length > 255) problems.push(`${rel}: description is ${permissionSetDescription.length} characters, at most 255`);
    for (const access of childrenNamed(node, "classAccesses")) {
      const name = childText(access, "apexClass") || "";
      if (!classes.has(name)) problems.push(`${rel}: grants Apex class ${name}, which does not exist`);
    }
    for (const access of childrenNamed(node, "pageAccesses")) {
      const name = childText(access, "apexPage") || "";
      if (!pages.has(name)) problems.push(`${rel}: grants page ${name}, which does not exist`);
    }
    // A class the browser calls (an @AuraEnabled or @RemoteAction method, a page's controller)
    // needs class access; classes only those call need none.
    const granted = new Set(childrenNamed(node, "classAccesses").map((a) => childText(a, "apexClass")));
    for (const [name, cls] of classes) {
      const entry = [...cls.methods.values()].some((a) => a.has("auraenabled") || a.has("remoteaction")) || controllers.has(name);
      if (!cls.isTest && entry && !granted.has(name)) problems.push(`${rel}: does not grant Apex class ${name}`);
    }
    // A class that reads a guarded DeveloperName in the user's mode needs View DeveloperName
    // (or View Setup and Configuration) beside its class access.
    const userPermissions = new Set(
      childrenNamed(node, "userPermissions").filter((u) => childText(u, "enabled") === "true").map((u) => childText(u, "name")),
    );
    for (const name of readsGuardedNames) {
      if (granted.has(name) && !DEVELOPER_NAME_PERMISSIONS.some((perm) => userPermissions.has(perm))) {
        problems.push(`${rel}: grants ${name}, which reads the DeveloperName of ${DEVELOPER_NAME_GUARDED.join(" or ")}, but neither of the user permissions ${DEVELOPER_NAME_PERMISSIONS.join(", ")} (View DeveloperName, View Setup and Configuration)`);
      }
    }
    const grantedPages = new Set(childrenNamed(node, "pageAccesses").map((a) => childText(a, "apexPage")));
    for (const name of pages) if (!grantedPages.has(name)) problems.push(`${rel}: does not grant page ${name}`);
    // Custom metadata types have no field-level security: read access to the type is read
    // access to its fields ("Control Who Gets Read Access to Custom Metadata Types", Winter '20
    // release notes), and user-mode queries of it fail without it.
    const grantedTypes = new Set(
      childrenNamed(node, "customMetadataTypeAccesses").filter((a) => childText(a, "enabled") === "true").map((a) => childText(a, "name")),
    );
    for (const access of childrenNamed(node, "customMetadataTypeAccesses")) {
      const name = childText(access, "name") || "";
      if (!objects.has(name)) problems.push(`${rel}: grants custom metadata type ${name}, which does not exist`);
    }
    for (const type of queriedTypes) if (!grantedTypes.has(type)) problems.push(`${rel}: does not grant read access to ${type}, which the Apex reads in user mode`);
  }

  return {
    problems,
    facts: { channels, classes: new Set(classes.keys()), tests: testClasses(apexFiles), pages, resources, bundles, objects, records, readsGuardedNames },
  };
}
