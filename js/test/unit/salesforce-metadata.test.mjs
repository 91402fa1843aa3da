// The Salesforce metadata is well-formed and consistent, and `make salesforce` (build.mjs)
// produces the static resource and a deployable project. (The page glue, softphone.js, is
// tested in softphone.test.mjs.)

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { BuildError, build } from "../../salesforce/build.mjs";
import { BUNDLE_FILES, apexStaticMethods, checkMetadata } from "../../salesforce/lib/metadata.mjs";
import { XmlError, parseXml } from "../../salesforce/lib/xml.mjs";
import { readZip, writeZip } from "../../salesforce/lib/zip.mjs";
import { metadataRoot, salesforceRoot } from "./salesforce-fakes.mjs";

const temps = /** @type {string[]} */ ([]);
function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-sf-"));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of js/salesforce (without dist) with one edit applied. @param {string} file relative to force-app/main/default, or "softphone/softphone.js" @param {string | RegExp} from @param {string} to */
function mutated(file, from, to) {
  const dir = tempDir();
  cpSync(salesforceRoot, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
  const target = file.startsWith("softphone/") || file === "sfdx-project.json" ? path.join(dir, file) : path.join(dir, "force-app", "main", "default", file);
  const text = readFileSync(target, "utf8");
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the edit applies to ${file}`);
  writeFileSync(target, changed);
  return dir;
}

describe("metadata", () => {
  test("the source is well-formed and consistent", () => {
    const { problems, facts } = checkMetadata(salesforceRoot);
    assert.deepEqual(problems, []);
    assert.deepEqual([...facts.channels.keys()], []);
    assert.deepEqual([...facts.classes].sort(), ["PresenceSyncController", "PresenceSyncControllerTest", "PresenceSyncOrigins", "PresenceSyncOriginsTest"]);
    assert.deepEqual([...facts.pages], ["PresenceSyncSoftphone"]);
    assert.deepEqual([...facts.resources], ["PresenceSync"]);
    assert.deepEqual([...facts.bundles], ["PresenceSyncBridge"]);
  });

  test("the Apex controller queries exactly what the feature documents", () => {
    const source = readFileSync(path.join(metadataRoot, "classes", "PresenceSyncController.cls"), "utf8");
    assert.match(source, /'SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus/);
    assert.match(source, /AccessLevel\.USER_MODE/, "the running user's permissions apply");
    assert.match(source, /"View Setup and Configuration"/);
    assert.match(source, /"View DeveloperName"/);
    const methods = apexStaticMethods(source);
    assert.ok(methods.get("getCatalog")?.has("auraenabled"));
    assert.ok(methods.get("getCatalogRemote")?.has("remoteaction"));
  });

  const breakages = [
    ["the utility item's Apex controller is missing", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", 'controller="PresenceSyncOrigins"', 'controller="PresenceController"', /controller PresenceController does not exist/],
    ["the Apex method the utility item calls is gone", "classes/PresenceSyncOrigins.cls", "public static Origins getOrigins()", "public static Origins readOrigins()", /has no static method getOrigins/],
    ["the Apex method is not @AuraEnabled", "classes/PresenceSyncOrigins.cls", "@AuraEnabled(cacheable=true)\n    public static Origins getOrigins()", "public static Origins getOrigins()", /getOrigins is not @AuraEnabled/],
    ["the utility item becomes a background utility item (it must render the frame)", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", 'implements="flexipage:availableForAllPageTypes"', 'implements="lightning:backgroundUtilityItem"', /must render/],
    ["the utility item loses its frame", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", /<iframe [^>]*\/>/, "", /needs the <iframe>/],
    ["the remote action is not @RemoteAction", "classes/PresenceSyncController.cls", "@RemoteAction\n", "", /getCatalogRemote is not @RemoteAction/],
    ["the page loads a file the static resource lacks", "pages/PresenceSyncSoftphone.page", "'connect-streams.js'", "'amazon-connect.js'", /holds no file amazon-connect\.js/],
    ["the page names a static resource that does not exist", "pages/PresenceSyncSoftphone.page", "$Resource.PresenceSync, 'rules.json'", "$Resource.PresenceRules, 'rules.json'", /static resource PresenceRules does not exist/],
    ["the call center points at a page that does not exist", "callCenters/PresenceSyncCallCenter.callCenter-meta.xml", "<adapterUrl>/apex/PresenceSyncSoftphone</adapterUrl>", "<adapterUrl>/apex/Softphone</adapterUrl>", /names page Softphone, which does not exist/],
    ["the call center's adapter URL items disagree", "callCenters/PresenceSyncCallCenter.callCenter-meta.xml", "<value>/apex/PresenceSyncSoftphone</value>", "<value>/apex/Other</value>", /reqAdapterUrl \/apex\/Other differs/],
    ["the softphone reads a call center setting nobody defines", "softphone/softphone.js", '"/reqPresenceSync/reqLogLevel"', '"/reqPresenceSync/reqDebug"', /reads call center setting \/reqPresenceSync\/reqDebug/],
    ["an Omni event is not handled", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", '<aura:handler event="lightning:omniChannelWorkAccepted" action="{!c.onWorkAccepted}"/>', "", /does not handle lightning:omniChannelWorkAccepted/],
    ["a handler names a controller action that does not exist", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", "{!c.onLogout}", "{!c.onLogOut}", /has no onLogOut/],
    ["the controller calls a helper method that does not exist", "aura/PresenceSyncBridge/PresenceSyncBridgeController.js", "helper.start(", "helper.begin(", /calls helper\.begin, which/],
    ["the helper finds an aura:id the component lacks", "aura/PresenceSyncBridge/PresenceSyncBridgeHelper.js", 'component.find("omniToolkit")', 'component.find("omni")', /find\("omni"\), but no aura:id/],
    ["a bridge command is dropped", "aura/PresenceSyncBridge/PresenceSyncBridgeHelper.js", 'case "getAgentWorkload":', 'case "getWorkload":', /does not run the getAgentWorkload command/],
    ["a file is not well-formed", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", "<lightning:omniToolkitAPI aura:id=\"omniToolkit\"/>", "<lightning:omniToolkitAPI aura:id=\"omniToolkit\">", /PresenceSyncBridge\.cmp: not well-formed: .*never closed|closes <lightning:omniToolkitAPI>/],
    ["API versions differ", "classes/PresenceSyncControllerTest.cls-meta.xml", "<apiVersion>60.0</apiVersion>", "<apiVersion>59.0</apiVersion>", /API versions differ/],
    ["a meta file of the wrong type", "pages/PresenceSyncSoftphone.page-meta.xml", /ApexPage/g, "ApexComponent", /root element is <ApexComponent>, expected <ApexPage>/],
    ["the permission set grants a page that does not exist", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", "<apexPage>PresenceSyncSoftphone</apexPage>", "<apexPage>Softphone</apexPage>", /grants page Softphone, which does not exist/],
    ["the permission set forgets the Apex class", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<classAccesses>[\s\S]*<\/classAccesses>/, "", /does not grant Apex class PresenceSyncController/],
    ["the controller loses its test class", "classes/PresenceSyncControllerTest.cls", /PresenceSyncController\./g, "Other.", /no @IsTest class calls it/],
  ];
  for (const [name, file, from, to, expected] of breakages) {
    test(`caught: ${name}`, () => {
      const { problems } = checkMetadata(mutated(/** @type {string} */ (file), /** @type {any} */ (from), /** @type {string} */ (to)));
      assert.ok(
        problems.some((p) => /** @type {RegExp} */ (expected).test(p)),
        `expected a problem matching ${expected}, got:\n${problems.join("\n")}`,
      );
    });
  }
});

describe("xml reader", () => {
  test("elements, attributes, entities, comments, CDATA and raw script text", () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2"><b>t&lt;u&#x41;</b><![CDATA[<raw>]]><script>if (a < b && c) {}</script><c/></a>');
    assert.equal(root.name, "a");
    assert.equal(root.attrs.x, "1 & 2");
    assert.equal(root.children[0].text, "t<uA");
    assert.equal(root.text, "<raw>");
    assert.equal(root.children[1].text, "if (a < b && c) {}");
    assert.equal(root.children[2].name, "c");
  });
  for (const [name, text, where] of [
    ["mismatched close", "<a>\n<b></a>", /line 2/],
    ["unclosed", "<a><b></b>", /never closed/],
    ["bare ampersand", "<a>x & y</a>", /entity/],
    ["duplicate attribute", '<a x="1" x="2"/>', /repeated/],
    ["two roots", "<a/><b/>", /second root/],
    ["unquoted attribute", "<a x=1/>", /quoted/],
    ["text outside the root", "<a/>text", /outside/],
  ]) {
    test(`rejects: ${name}`, () => {
      assert.throws(() => parseXml(/** @type {string} */ (text)), (/** @type {any} */ e) => e instanceof XmlError && /** @type {RegExp} */ (where).test(e.message));
    });
  }
});

describe("make salesforce", () => {
  function inputs() {
    const dir = tempDir();
    writeFileSync(path.join(dir, "presence-sync.js"), "window.PresenceSync = {};\n");
    writeFileSync(path.join(dir, "presence-sync.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(path.join(dir, "wasm_exec.js"), "// Go wasm_exec.js\n");
    writeFileSync(path.join(dir, "connect-streams.js"), "window.connect = {};\n".repeat(100));
    return dir;
  }

  test("builds the static resource and a deployable project", () => {
    const dist = inputs();
    const out = tempDir();
    const lines = /** @type {string[]} */ ([]);
    const result = build({ dist, streams: path.join(dist, "connect-streams.js"), out, log: (l) => lines.push(l) });
    assert.ok(result);
    const zip = readFileSync(path.join(out, "PresenceSync.zip"));
    const entries = readZip(zip);
    assert.deepEqual(entries.map((e) => e.name), [...BUNDLE_FILES]);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e.data]));
    assert.deepEqual(byName["presence-sync.wasm"], readFileSync(path.join(dist, "presence-sync.wasm")));
    assert.deepEqual(JSON.parse(byName["rules.json"].toString()), JSON.parse(readFileSync(path.join(salesforceRoot, "rules.json"), "utf8")));
    assert.deepEqual(byName["softphone.js"], readFileSync(path.join(salesforceRoot, "softphone", "softphone.js")));
    assert.ok(entries.find((e) => e.name === "connect-streams.js")?.method === 8, "text is deflated");

    const resource = path.join(out, "project", "force-app", "main", "default", "staticresources", "PresenceSync.resource");
    assert.deepEqual(readFileSync(resource), zip);
    assert.ok(existsSync(path.join(out, "project", "sfdx-project.json")));
    assert.deepEqual(checkMetadata(path.join(out, "project"), { requireResourceFile: true, softphoneFile: path.join(salesforceRoot, "softphone", "softphone.js") }).problems, []);
    assert.ok(lines.some((l) => /sf project deploy start --source-dir force-app/.test(l)));

    const again = tempDir();
    build({ dist, streams: path.join(dist, "connect-streams.js"), out: again, log: () => {} });
    assert.deepEqual(readFileSync(path.join(again, "PresenceSync.zip")), zip, "the same inputs give the same bytes");
  });

  test("the archive opens with unzip", (t) => {
    if (spawnSync("unzip", ["-v"]).status !== 0) return t.skip("no unzip here");
    const dir = tempDir();
    const file = path.join(dir, "a.zip");
    writeFileSync(file, writeZip([{ name: "a.txt", data: Buffer.from("hello ".repeat(50)) }, { name: "dir/b.bin", data: Buffer.from([1, 2, 3]) }]));
    const listing = execFileSync("unzip", ["-t", file]).toString();
    assert.match(listing, /No errors detected/);
    assert.equal(execFileSync("unzip", ["-p", file, "a.txt"]).toString(), "hello ".repeat(50));
  });

  test("a custom rules file goes in the bundle", () => {
    const dist = inputs();
    const rules = path.join(tempDir(), "my-rules.json");
    writeFileSync(rules, JSON.stringify({ rules: [] }));
    const out = tempDir();
    build({ dist, streams: path.join(dist, "connect-streams.js"), rules, out, log: () => {} });
    const entry = readZip(readFileSync(path.join(out, "PresenceSync.zip"))).find((e) => e.name === "rules.json");
    assert.deepEqual(JSON.parse(String(entry?.data)), { rules: [] });
  });

  for (const [name, prepare, expected] of [
    ["a missing engine", (/** @type {string} */ dist) => rmSync(path.join(dist, "presence-sync.wasm")), /presence-sync\.wasm: .* does not exist \(run make dist\)/],
    ["an empty engine", (/** @type {string} */ dist) => writeFileSync(path.join(dist, "presence-sync.js"), ""), /presence-sync\.js: .* is empty/],
    ["a module that is not WebAssembly", (/** @type {string} */ dist) => writeFileSync(path.join(dist, "presence-sync.wasm"), "<html>"), /is not WebAssembly/],
  ]) {
    test(`refuses ${name}`, () => {
      const dist = inputs();
      /** @type {Function} */ (prepare)(dist);
      assert.throws(() => build({ dist, streams: path.join(dist, "connect-streams.js"), out: tempDir(), log: () => {} }), (/** @type {any} */ e) => e instanceof BuildError && /** @type {RegExp} */ (expected).test(e.message));
    });
  }

  test("refuses rules that are not a rules document", () => {
    const dist = inputs();
    const rules = path.join(tempDir(), "rules.json");
    writeFileSync(rules, "{rules: [");
    assert.throws(() => build({ dist, streams: path.join(dist, "connect-streams.js"), rules, out: tempDir(), log: () => {} }), /is not JSON/);
    writeFileSync(rules, "[]");
    assert.throws(() => build({ dist, streams: path.join(dist, "connect-streams.js"), rules, out: tempDir(), log: () => {} }), /must be a rules document/);
  });

  test("refuses inconsistent metadata before building anything", () => {
    const root = mutated("pages/PresenceSyncSoftphone.page", "'softphone.js'", "'phone.js'");
    const out = tempDir();
    assert.throws(() => build({ root, dist: inputs(), out, log: () => {} }), /holds no file phone\.js/);
    assert.ok(!existsSync(path.join(out, "PresenceSync.zip")));
  });

  test("the command line checks the metadata", () => {
    const run = spawnSync(process.execPath, [path.join(salesforceRoot, "build.mjs"), "--check"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /metadata ok/);
    const bad = spawnSync(process.execPath, [path.join(salesforceRoot, "build.mjs"), "--nope"], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown argument --nope/);
  });
});
