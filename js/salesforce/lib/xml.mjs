// A small XML reader for Salesforce metadata (-meta.xml, .cmp, .page, .design): enough to
// tell whether a file is well-formed and to read its elements and attributes. No DTDs, no
// namespaces resolution (prefixed names are kept as written: "aura:component").
// `<script>` and `<style>` content is raw text, as in a Visualforce page.

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

const NAME_RE = /[A-Za-z_][-A-Za-z0-9_.:]*/y;
const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const RAW_TEXT = new Set(["script", "style"]);

/**
 * Parses a document; returns its root element. Throws XmlError on anything not well-formed.
 * @param {string} text
 * @returns {XmlNode}
 */
export function parseXml(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let i = 0;
  /** @type {XmlNode} */
  const document = { name: "#document", attrs: {}, children: [], text: "", line: 1 };
  /** @type {XmlNode[]} */
  const stack = [document];

  /** @param {number} at */
  function where(at) {
    let line = 1;
    let last = -1;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        last = k;
      }
    }
    return { line, column: at - last };
  }
  /**
   * @param {string} message
   * @param {number} [at]
   * @returns {never}
   */
  function fail(message, at = i) {
    const { line, column } = where(at);
    throw new XmlError(message, line, column);
  }
  /** @param {string} raw @param {number} at */
  function decode(raw, at) {
    return raw.replace(/&([^;&\s<]*);?/g, (match, name, offset) => {
      if (!match.endsWith(";")) fail(`"&" must start an entity such as &amp;`, at + offset);
      if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      if (Object.prototype.hasOwnProperty.call(ENTITIES, name)) return ENTITIES[/** @type {keyof typeof ENTITIES} */ (name)];
      return fail(`unknown entity &${name};`, at + offset);
    });
  }
  /** @param {string} raw @param {number} at */
  function addText(raw, at) {
    const top = stack[stack.length - 1];
    if (top === document) {
      if (raw.trim() !== "") fail("text outside the root element", at);
      return;
    }
    top.text += decode(raw, at);
  }
  function readName() {
    NAME_RE.lastIndex = i;
    const m = NAME_RE.exec(text);
    if (!m) fail("expected a name");
    i += m[0].length;
    return m[0];
  }
  function skipSpace() {
    while (i < text.length && /\s/.test(text[i])) i++;
  }

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) {
      addText(text.slice(i), i);
      break;
    }
    if (lt > i) addText(text.slice(i, lt), i);
    i = lt;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) fail("comment never closed");
      i = end + 3;
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end < 0) fail("CDATA section never closed");
      if (stack.length === 1) fail("CDATA outside the root element");
      stack[stack.length - 1].text += text.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end < 0) fail("processing instruction never closed");
      i = end + 2;
      continue;
    }
    if (text.startsWith("<!", i)) {
      if (stack.length > 1) fail("declaration inside an element");
      const end = text.indexOf(">", i + 2);
      if (end < 0) fail("declaration never closed");
      i = end + 1;
      continue;
    }
    if (text.startsWith("</", i)) {
      const at = i;
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== ">") fail(`expected ">" to end </${name}`);
      i++;
      const open = stack[stack.length - 1];
      if (open === document) fail(`</${name}> closes nothing`, at);
      if (open.name !== name) fail(`</${name}> closes <${open.name}> opened on line ${open.line}`, at);
      stack.pop();
      continue;
    }
    // start tag
    const at = i;
    i++;
    const name = readName();
    /** @type {XmlNode} */
    const node = { name, attrs: {}, children: [], text: "", line: where(at).line };
    let selfClosing = false;
    for (;;) {
      const before = i;
      skipSpace();
      if (i >= text.length) fail(`<${name}> never ends`, at);
      if (text.startsWith("/>", i)) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (text[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail(`expected a space before the next attribute of <${name}>`);
      const attrAt = i;
      const attr = readName();
      skipSpace();
      if (text[i] !== "=") fail(`attribute ${attr} of <${name}> has no value`);
      i++;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") fail(`the value of ${attr} must be quoted`);
      const end = text.indexOf(quote, i + 1);
      if (end < 0) fail(`the value of ${attr} is never closed`);
      const raw = text.slice(i + 1, end);
      if (raw.includes("<")) fail(`"<" inside the value of ${attr}`, i + 1 + raw.indexOf("<"));
      if (Object.prototype.hasOwnProperty.call(node.attrs, attr)) fail(`attribute ${attr} repeated on <${name}>`, attrAt);
      node.attrs[attr] = decode(raw, i + 1);
      i = end + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent === document && document.children.length) fail(`a second root element <${name}>`, at);
    parent.children.push(node);
    if (selfClosing) continue;
    if (RAW_TEXT.has(name.toLowerCase())) {
      const close = text.toLowerCase().indexOf(`</${name.toLowerCase()}`, i);
      if (close < 0) fail(`<${name}> never closed`, at);
      node.text = text.slice(i, close);
      i = close + 2 + name.length;
      skipSpace();
      if (text[i] !== ">") fail(`expected ">" to end </${name}`);
      i++;
      continue;
    }
    stack.push(node);
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    fail(`<${open.name}> opened on line ${open.line} is never closed`, text.length);
  }
  if (!document.children.length) fail("no root element", 0);
  return document.children[0];
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
