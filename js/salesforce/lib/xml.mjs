// @ts-check
// Salesforce metadata XML (-meta.xml, .cmp, .page, .design) read with fast-xml-parser: its
// validator says whether a file is well-formed (with line and column), its parser gives the
// elements, which this module hands out as a small tree ({name, attrs, children, text, line}).
// Prefixed names are kept as written ("aura:component"). The content of <script> and <style>
// is raw text, as in a Visualforce page or an Aura component: it is set aside before the
// document is validated and parsed, then put back, so "if (a < b && c)" is not an XML error.

import { XMLParser, XMLValidator } from "fast-xml-parser";

/** @typedef {{name: string, attrs: Record<string, string>, children: XmlNode[], text: string, line: number}} XmlNode */

export class XmlError extends Error {
  /**
   * @param {string} message
   * @param {number} line
   * @param {number} column
   */
  constructor(message, line, column) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = "XmlError";
    this.line = line;
    this.column = column;
  }
}

const XML_ENTITIES = new Set(["lt", "gt", "amp", "quot", "apos"]);
const RAW_TEXT = /(<(script|style)\b[^>]*>)([\s\S]*?)(<\/\2\s*>)/gi;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: "#comment",
  captureMetaData: true,
});
const META = /** @type {symbol} */ (/** @type {unknown} */ (XMLParser.getMetaDataSymbol()));

/**
 * Parses a document; returns its root element. Throws XmlError on anything not well-formed.
 * @param {string} text
 * @returns {XmlNode}
 */
export function parseXml(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  /** @type {string[]} */
  const raw = [];
  // Blank the raw text (keeping its line breaks, so positions stay true) and remember it.
  const masked = text.replace(RAW_TEXT, (_, open, _name, body, close) => {
    raw.push(body);
    return open + body.replace(/[^\n]/g, " ") + close;
  });
  const valid = XMLValidator.validate(masked, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlError(valid.err.msg, valid.err.line ?? 1, valid.err.col ?? 1);

  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  /** @param {number} offset */
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  /**
   * fast-xml-parser's ordered form: [{tag: [children...], ":@": {attrs}}, {"#text": "..."}].
   * @param {any} entry
   * @returns {XmlNode | null}
   */
  const toNode = (entry) => {
    const name = Object.keys(entry).find((k) => k !== ":@");
    if (!name || name === "#text" || name === "#comment") return null;
    const attrs = /** @type {Record<string, string>} */ ({ ...(entry[":@"] ?? {}) });
    const meta = entry[META];
    /** @type {XmlNode} */
    const node = { name, attrs, children: [], text: "", line: meta ? lineOf(meta.startIndex) : 0 };
    for (const child of entry[name]) {
      if ("#text" in child) node.text += String(child["#text"]);
      else if (!("#comment" in child)) {
        const c = toNode(child);
        if (c) node.children.push(c);
      }
    }
    if (/^(script|style)$/i.test(name)) node.text = raw.shift() ?? "";
    return node;
  };

  // XML knows five named entities; the validator lets any name through.
  const markup = masked.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => m.replace(/[^\n]/g, " "));
  for (const m of markup.matchAll(/&([A-Za-z_][\w.-]*);/g)) {
    if (!XML_ENTITIES.has(m[1])) throw new XmlError(`unknown entity &${m[1]};`, lineOf(m.index), m.index - lineStarts[lineOf(m.index) - 1] + 1);
  }

  // The parser drops text outside the root element and the validator misses it after <root/>.
  const body = markup.replace(/<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/gi, (m) => m.replace(/[^\n]/g, " "));
  const before = body.slice(0, body.indexOf("<"));
  const after = body.slice(body.lastIndexOf(">") + 1);
  if (before.trim() || after.trim()) {
    const at = before.trim() ? before.search(/\S/) : body.lastIndexOf(">") + 1 + after.search(/\S/);
    throw new XmlError("text outside the root element", lineOf(at), at - lineStarts[lineOf(at) - 1] + 1);
  }

  const roots = /** @type {any[]} */ (parser.parse(masked)).map(toNode).filter((n) => n !== null);
  if (roots.length === 0) throw new XmlError("no root element", 1, 1);
  if (roots.length > 1) throw new XmlError(`a second root element <${roots[1].name}>`, roots[1].line, 1);
  return roots[0];
}

/**
 * Child elements named `name`.
 * @param {XmlNode} node
 * @param {string} name
 */
export function childrenNamed(node, name) {
  return node.children.filter((c) => c.name === name);
}

/**
 * The trimmed text of the first child named `name`, or undefined.
 * @param {XmlNode} node
 * @param {string} name
 */
export function childText(node, name) {
  const child = node.children.find((c) => c.name === name);
  return child ? child.text.trim() : undefined;
}

/**
 * Every element under `node` (itself included), depth first.
 * @param {XmlNode} node
 * @returns {XmlNode[]}
 */
export function allElements(node) {
  const out = [node];
  for (const child of node.children) out.push(...allElements(child));
  return out;
}
