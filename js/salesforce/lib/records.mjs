// @ts-check
// Custom objects and custom metadata types under force-app/main/default/objects (their fields,
// picklist values, list views and layouts) and the custom metadata records under
// customMetadata/: read, checked against each other the way a deploy would check them, and,
// for PresenceSyncRule records, turned into the rules document they hold (so that
// `make salesforce-check` can lint the shipped records with presencesync).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { childText, childrenNamed, parseXml } from "./xml.mjs";

/**
 * @typedef {{name: string, type: string, label: string, required: boolean, length?: number, values?: string[], description: string, help: string}} FieldInfo
 * @typedef {{name: string, label: string, fields: Map<string, FieldInfo>, listViews: Map<string, string[]>}} ObjectInfo
 * @typedef {{type: string, xsiType: string, nil: boolean, text: string}} RecordValue
 * @typedef {{file: string, type: string, developerName: string, label: string, values: Map<string, RecordValue>}} RecordInfo
 */

// Limits of the platform enforced here, each from its source:
// - CustomField: description up to 1,000 characters, inlineHelpText up to 510 (Metadata API
//   Developer Guide, "CustomField").
// - A custom metadata record's DeveloperName contains only letters, digits and underscores,
//   begins with a letter, does not end with an underscore and has no two consecutive
//   underscores (Object Reference, "CustomMetadataType__mdt", DeveloperName); it and the
//   record's label (MasterLabel) hold at most 40 characters (the Label and Name of Setup's
//   custom metadata record form).
export const LIMITS = Object.freeze({ description: 1000, help: 510, developerName: 40, label: 40 });
const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$/;

/** The xsi:type a record value of each field type is written with (as Salesforce retrieves them). */
const XSI_TYPES = /** @type {Record<string, string[]>} */ ({
  Checkbox: ["xsd:boolean"],
  Number: ["xsd:double", "xsd:int", "xsd:long"],
  Percent: ["xsd:double"],
  Text: ["xsd:string"],
  TextArea: ["xsd:string"],
  LongTextArea: ["xsd:string"],
  Picklist: ["xsd:string"],
  Email: ["xsd:string"],
  Phone: ["xsd:string"],
  Url: ["xsd:string"],
  Date: ["xsd:date"],
  DateTime: ["xsd:dateTime"],
});
/** Field types without a length element: their length is fixed. */
const FIXED_LENGTH = /** @type {Record<string, number>} */ ({ TextArea: 255 });
/** Layout and list view fields every custom metadata type has. */
const STANDARD_FIELDS = new Set(["MasterLabel", "DeveloperName", "NamespacePrefix", "IsProtected", "CreatedById", "LastModifiedById", "Label", "QualifiedApiName"]);

/**
 * @param {string} dir
 * @param {string} suffix
 */
const filesIn = (dir, suffix) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(suffix)).sort() : []);

/**
 * A reader of XML files under base: from `parsed` (files already parsed, relative path → root;
 * a file missing from it failed to parse and was reported) or from disk.
 * @param {string} base
 * @param {string[]} problems
 * @param {Map<string, import("./xml.mjs").XmlNode>} [parsed]
 */
function xmlReader(base, problems, parsed) {
  /** @param {string} rel @returns {import("./xml.mjs").XmlNode | undefined} */
  return (rel) => {
    if (parsed) return parsed.get(rel);
    try {
      return parseXml(readFileSync(path.join(base, rel), "utf8"));
    } catch (error) {
      problems.push(`${rel}: not well-formed: ${/** @type {Error} */ (error).message}`);
      return undefined;
    }
  };
}

/**
 * Objects defined under base/objects.
 * @param {string} base force-app/main/default
 * @param {string[]} problems
 * @param {Map<string, import("./xml.mjs").XmlNode>} [parsed] files already parsed (see xmlReader)
 * @returns {Map<string, ObjectInfo>}
 */
export function readObjects(base, problems, parsed) {
  const xml = xmlReader(base, problems, parsed);
  /** @type {Map<string, ObjectInfo>} */
  const objects = new Map();
  const root = path.join(base, "objects");
  if (!existsSync(root)) return objects;
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name);
    const rel = `objects/${name}`;
    const objectFile = path.join(dir, `${name}.object-meta.xml`);
    if (!existsSync(objectFile)) {
      problems.push(`${rel}: no ${name}.object-meta.xml`);
      continue;
    }
    /** @type {ObjectInfo} */
    const object = { name, label: "", fields: new Map(), listViews: new Map() };
    const objectNode = xml(`${rel}/${name}.object-meta.xml`);
    object.label = objectNode ? (childText(objectNode, "label") ?? "") : "(unreadable)";
    if (!object.label) problems.push(`${rel}/${name}.object-meta.xml: label is required`);
    for (const file of filesIn(path.join(dir, "fields"), ".field-meta.xml")) {
      const where = `${rel}/fields/${file}`;
      const node = xml(where);
      if (!node) continue;
      const fieldName = childText(node, "fullName") ?? "";
      if (`${fieldName}.field-meta.xml` !== file) problems.push(`${where}: fullName is ${fieldName || "(none)"}, the file name says ${file.replace(".field-meta.xml", "")}`);
      const type = childText(node, "type") ?? "";
      const valueSet = childrenNamed(node, "valueSet")[0];
      const definition = valueSet ? childrenNamed(valueSet, "valueSetDefinition")[0] : undefined;
      const length = childText(node, "length");
      /** @type {FieldInfo} */
      const field = {
        name: fieldName,
        type,
        label: childText(node, "label") ?? "",
        required: childText(node, "required") === "true",
        length: length ? Number(length) : FIXED_LENGTH[type],
        values: definition ? childrenNamed(definition, "value").map((v) => childText(v, "fullName") ?? "") : undefined,
        description: childText(node, "description") ?? "",
        help: childText(node, "inlineHelpText") ?? "",
      };
      if (!field.label) problems.push(`${where}: label is required`);
      if (!XSI_TYPES[type]) problems.push(`${where}: type ${type || "(none)"} is not a field type this check knows (${Object.keys(XSI_TYPES).join(", ")})`);
      if (type === "Picklist") {
        if (!field.values?.length) problems.push(`${where}: a Picklist needs a valueSet with values`);
        const labels = definition ? childrenNamed(definition, "value").map((v) => childText(v, "label") ?? "") : [];
        field.values?.forEach((v, i) => {
          if (labels[i] !== v) problems.push(`${where}: picklist value ${v} has the label ${labels[i]}: keep each value's label equal to its API name (rules use the labels)`);
        });
        if (field.values && new Set(field.values).size !== field.values.length) problems.push(`${where}: a picklist value is listed twice`);
      }
      if (name.endsWith("__mdt") && !childText(node, "fieldManageability")) problems.push(`${where}: a custom metadata type field needs fieldManageability`);
      if (field.description.length > LIMITS.description) problems.push(`${where}: description is ${field.description.length} characters, at most ${LIMITS.description}`);
      if (field.help.length > LIMITS.help) problems.push(`${where}: inlineHelpText is ${field.help.length} characters, at most ${LIMITS.help}`);
      object.fields.set(fieldName, field);
    }
    for (const file of filesIn(path.join(dir, "listViews"), ".listView-meta.xml")) {
      const where = `${rel}/listViews/${file}`;
      const node = xml(where);
      if (!node) continue;
      const columns = childrenNamed(node, "columns").map((c) => c.text.trim());
      object.listViews.set(file.replace(".listView-meta.xml", ""), columns);
      if (!childText(node, "label")) problems.push(`${where}: label is required`);
      for (const column of columns) {
        if (!object.fields.has(column) && !STANDARD_FIELDS.has(column)) problems.push(`${where}: column ${column} is not a field of ${name}`);
      }
    }
    objects.set(name, object);
  }
  return objects;
}

/**
 * Layouts under base/layouts: each names an object defined here and places only its fields.
 * @param {string} base
 * @param {Map<string, ObjectInfo>} objects
 * @param {string[]} problems
 * @param {Map<string, import("./xml.mjs").XmlNode>} [parsed]
 */
export function checkLayouts(base, objects, problems, parsed) {
  const xml = xmlReader(base, problems, parsed);
  const dir = path.join(base, "layouts");
  for (const file of filesIn(dir, ".layout-meta.xml")) {
    const where = `layouts/${file}`;
    const objectName = file.slice(0, file.indexOf("-"));
    const object = objects.get(objectName);
    if (!object) {
      problems.push(`${where}: object ${objectName} is not defined under objects/`);
      continue;
    }
    const node = xml(where);
    if (!node) continue;
    /** @type {Set<string>} */
    const placed = new Set();
    for (const section of childrenNamed(node, "layoutSections")) {
      for (const column of childrenNamed(section, "layoutColumns")) {
        for (const item of childrenNamed(column, "layoutItems")) {
          const field = childText(item, "field");
          if (!field) continue;
          if (placed.has(field)) problems.push(`${where}: ${field} is placed twice`);
          placed.add(field);
          if (!object.fields.has(field) && !STANDARD_FIELDS.has(field)) problems.push(`${where}: ${field} is not a field of ${objectName}`);
          const required = object.fields.get(field)?.required;
          if (required && childText(item, "behavior") !== "Required") problems.push(`${where}: ${field} is required, its layout item must be Required`);
        }
      }
    }
    for (const field of object.fields.keys()) if (!placed.has(field)) problems.push(`${where}: the layout leaves out ${field}, so an admin cannot set it`);
  }
}

/**
 * Custom metadata records under base/customMetadata, checked against their types.
 * @param {string} base
 * @param {Map<string, ObjectInfo>} objects
 * @param {string[]} problems
 * @param {Map<string, import("./xml.mjs").XmlNode>} [parsed]
 * @returns {RecordInfo[]}
 */
export function readRecords(base, objects, problems, parsed) {
  const xml = xmlReader(base, problems, parsed);
  /** @type {RecordInfo[]} */
  const records = [];
  const dir = path.join(base, "customMetadata");
  for (const file of filesIn(dir, ".md-meta.xml")) {
    const where = `customMetadata/${file}`;
    const fullName = file.replace(/\.md-meta\.xml$/, "");
    const dot = fullName.indexOf(".");
    const type = fullName.slice(0, dot);
    const developerName = fullName.slice(dot + 1);
    const object = objects.get(`${type}__mdt`);
    if (dot < 0 || !object) {
      problems.push(`${where}: ${type || fullName}__mdt is not a custom metadata type defined under objects/`);
      continue;
    }
    if (!DEVELOPER_NAME.test(developerName) || developerName.length > LIMITS.developerName) {
      problems.push(`${where}: ${developerName} is not a valid record name (letters, digits and single underscores, starting with a letter, not ending with _, at most ${LIMITS.developerName} characters)`);
    }
    const node = xml(where);
    if (!node) continue;
    const label = childText(node, "label") ?? "";
    if (!label) problems.push(`${where}: label is required`);
    else if (label.length > LIMITS.label) problems.push(`${where}: label ${JSON.stringify(label)} is ${label.length} characters, at most ${LIMITS.label}`);
    /** @type {Map<string, RecordValue>} */
    const values = new Map();
    for (const v of childrenNamed(node, "values")) {
      const field = childText(v, "field") ?? "";
      const value = childrenNamed(v, "value")[0];
      const info = object.fields.get(field);
      if (!info) {
        problems.push(`${where}: ${field || "(no field)"} is not a field of ${object.name}`);
        continue;
      }
      if (values.has(field)) problems.push(`${where}: ${field} is given twice`);
      const nil = !value || value.attrs["xsi:nil"] === "true";
      /** @type {RecordValue} */
      const recordValue = { type: info.type, xsiType: value?.attrs["xsi:type"] ?? "", nil, text: nil ? "" : (value?.text ?? "") };
      values.set(field, recordValue);
      if (nil) continue;
      if (!(XSI_TYPES[info.type] ?? []).includes(recordValue.xsiType)) {
        problems.push(`${where}: ${field} is a ${info.type} field; its value needs xsi:type="${(XSI_TYPES[info.type] ?? ["?"])[0]}", not ${JSON.stringify(recordValue.xsiType)}`);
      }
      if (info.type === "Picklist" && !info.values?.includes(recordValue.text)) {
        problems.push(`${where}: ${field} is ${JSON.stringify(recordValue.text)}, not a value of the picklist (${info.values?.join(", ")})`);
      }
      if (info.type === "Checkbox" && !/^(true|false)$/.test(recordValue.text)) problems.push(`${where}: ${field} must be true or false`);
      if (info.type === "Number" && !Number.isFinite(Number(recordValue.text))) problems.push(`${where}: ${field} ${JSON.stringify(recordValue.text)} is not a number`);
      if (info.length !== undefined && recordValue.text.length > info.length) problems.push(`${where}: ${field} holds ${recordValue.text.length} characters, at most ${info.length}`);
    }
    for (const info of object.fields.values()) {
      if (info.required && (values.get(info.name)?.nil ?? true)) problems.push(`${where}: ${info.name} is required`);
    }
    records.push({ file: where, type: object.name, developerName, label, values });
  }
  return records;
}

/**
 * The rules document PresenceSyncRule records hold, for presencesync to lint: every record
 * given (active or not, whatever its profiles, each written as active), in Order__c order,
 * ties by DeveloperName, empty orders last, written exactly as PresenceSyncRules.load (Apex)
 * writes them for the softphone: the canonical shape (criteria from the three operand fields,
 * or Criteria__c parsed; state from Value__c), an empty field left out, the value of a Static
 * Value operand always given (an empty field is the empty text), a Criteria__c that is not
 * JSON passed as a string, and the operand fields beside Criteria__c when both are filled in
 * (at the rule's top level, so that the engine names both).
 * @param {RecordInfo[]} records
 * @returns {{rules: Array<Record<string, any>>, records: string[], criteriaJson: boolean[]}}
 *   records: the DeveloperName behind each rule; criteriaJson: whether its criteria came from Criteria__c
 */
export function rulesDocumentOf(records) {
  /** @param {RecordInfo} r @param {string} field */
  const text = (r, field) => {
    const v = r.values.get(field);
    return v && !v.nil && v.text.trim() !== "" ? v.text : undefined;
  };
  /** @param {RecordInfo} r */
  const order = (r) => (text(r, "Order__c") === undefined ? Infinity : Number(text(r, "Order__c")));
  const sorted = records
    .filter((r) => r.type === "PresenceSyncRule__mdt")
    .sort((a, b) => order(a) - order(b) || (a.developerName < b.developerName ? -1 : a.developerName > b.developerName ? 1 : 0));
  /**
   * operandA, operandAValue, comparator, operandB, operandBValue of a record, into `into`.
   * @param {RecordInfo} r @param {Record<string, any>} into
   */
  const operands = (r, into) => {
    for (const [operand, valueField, key] of [["Operand_A__c", "Operand_A_Value__c", "operandA"], ["Comparator__c", "", "comparator"], ["Operand_B__c", "Operand_B_Value__c", "operandB"]]) {
      const value = text(r, operand);
      if (value !== undefined) into[key] = value;
      if (!valueField) continue;
      const raw = r.values.get(valueField);
      const given = raw && !raw.nil ? raw.text : "";
      if (value === "Static Value" || given.trim() !== "") into[`${key}Value`] = given;
    }
    return into;
  };
  const rules = sorted.map((r) => {
    /** @type {Record<string, any>} */
    const rule = { name: r.label, active: true };
    /** @param {string} key @param {string | undefined} value */
    const put = (key, value) => {
      if (value !== undefined) rule[key] = value;
    };
    put("source", text(r, "Source__c"));
    const criteria = text(r, "Criteria__c");
    const hasOperands = ["Operand_A__c", "Comparator__c", "Operand_B__c"].some((f) => text(r, f) !== undefined);
    if (criteria !== undefined) {
      try {
        rule.criteria = JSON.parse(criteria);
      } catch {
        rule.criteria = criteria;
      }
      if (hasOperands) operands(r, rule);
    } else {
      rule.criteria = operands(r, {});
    }
    put("destination", text(r, "Destination__c"));
    put("state", text(r, "Value__c"));
    if (text(r, "Cooldown_Ms__c") !== undefined) rule.cooldownMs = Number(text(r, "Cooldown_Ms__c"));
    put("description", text(r, "Description__c"));
    return rule;
  });
  return { rules, records: sorted.map((r) => r.developerName), criteriaJson: sorted.map((r) => text(r, "Criteria__c") !== undefined) };
}
