// @ts-check
// Apex classes read with @apexdevtools/apex-parser (the ANTLR grammar of Apex, SOQL included):
// syntax errors, each class's members with their modifiers and annotations, the references
// one class makes to another's members (PresenceSyncRules.load(), PresenceSyncRules.Result,
// PresenceSyncRules.testRecords), and every SOQL query. checkApex then checks, across the
// classes, what the org's compiler would check at deploy time and this project requires:
// every referenced member exists and is visible (a test reaching a private member needs
// @TestVisible), every class is exercised by a test class, every query runs in user mode,
// and the fields a query selects from an object defined here exist.

import {
  ApexErrorListener,
  ApexParseTreeWalker,
  ApexParserBaseListener,
  ApexParserFactory,
  ConstructorDeclarationContext,
  DoWhileStatementContext,
  ForStatementContext,
  MethodDeclarationContext,
  WhileStatementContext,
} from "@apexdevtools/apex-parser";

/**
 * @typedef {{name: string, kind: string, isStatic: boolean, visibility: string, annotations: Set<string>, line: number}} ApexMember
 * @typedef {{name: string, line: number, isTest: boolean, visibility: string, annotations: Set<string>, members: Map<string, ApexMember[]>}} ApexType
 *   members: by lower-case name (Apex names ignore case); inner classes are members of kind "class"
 * @typedef {{target: string, member: string, line: number}} ApexReference  Target.member, as written
 * @typedef {{from: string, fields: string[], userMode: boolean, inLoop: boolean, line: number}} ApexQuery
 * @typedef {{errors: string[], types: ApexType[], references: ApexReference[], queries: ApexQuery[], dynamicQueries: Array<{userMode: boolean, inLoop: boolean, line: number}>}} ApexFile
 *   types: the top-level type first, then inner types
 */

const VISIBILITY = ["global", "public", "protected", "private"];

class Errors extends ApexErrorListener {
  constructor() {
    super();
    /** @type {string[]} */
    this.errors = [];
  }

  /** @param {number} line @param {number} column @param {string} message */
  apexSyntaxError(line, column, message) {
    this.errors.push(`line ${line}:${column + 1}: ${message}`);
  }
}

/** @param {any} ctx @returns {number} */
const lineOf = (ctx) => ctx.start?.line ?? 0;

/**
 * Modifiers of a declaration: the modifier list of the class body declaration (or type
 * declaration) that holds it.
 * @param {any} holder
 */
function modifiersOf(holder) {
  const list = holder && typeof holder.modifier_list === "function" ? holder.modifier_list() : [];
  /** @type {Set<string>} */
  const annotations = new Set();
  /** @type {Set<string>} */
  const keywords = new Set();
  for (const m of list) {
    const annotation = m.annotation();
    if (annotation) annotations.add(annotation.id().getText().toLowerCase());
    else keywords.add(m.getText().toLowerCase());
  }
  const visibility = VISIBILITY.find((v) => keywords.has(v)) ?? "private";
  return { annotations, isStatic: keywords.has("static"), visibility, isTest: keywords.has("testmethod") || annotations.has("istest") };
}

/**
 * Whether a node runs once per iteration of a loop: it sits in the body (or the condition) of a
 * for, while or do loop; the control of a for loop (for (X x : [SELECT ...])) runs once.
 * @param {any} ctx
 */
const inLoop = (ctx) => {
  for (let child = ctx, p = ctx.parentCtx; p; child = p, p = p.parentCtx) {
    if (p instanceof ForStatementContext && child !== p.forControl()) return true;
    if (p instanceof WhileStatementContext || p instanceof DoWhileStatementContext) return true;
    if (p instanceof MethodDeclarationContext || p instanceof ConstructorDeclarationContext) return false;
  }
  return false;
};

/** The class body declaration above a member declaration. @param {any} ctx */
const holderOf = (ctx) => {
  let p = ctx.parentCtx;
  while (p && typeof p.modifier_list !== "function") p = p.parentCtx;
  return p;
};

/** @type {Map<string, ApexFile>} parse results by source text: the checks parse the same classes many times */
const cache = new Map();

/**
 * @param {string} source
 * @returns {ApexFile}
 */
export function parseApex(source) {
  const cached = cache.get(source);
  if (cached) return cached;
  const listener = new Errors();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const unit = parser.compilationUnit();

  /** @type {ApexFile} */
  const file = { errors: listener.errors, types: [], references: [], queries: [], dynamicQueries: [] };
  /** @type {ApexType[]} */
  const stack = [];
  /** @param {string} name @param {ApexMember} member */
  const addMember = (name, member) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    const key = name.toLowerCase();
    top.members.set(key, [...(top.members.get(key) ?? []), member]);
  };
  /** @param {any} ctx @param {string} kind */
  const enterType = (ctx, kind) => {
    const name = ctx.id().getText();
    const m = modifiersOf(holderOf(ctx));
    /** @type {ApexType} */
    const type = { name, line: lineOf(ctx), isTest: m.annotations.has("istest"), visibility: m.visibility, annotations: m.annotations, members: new Map() };
    addMember(name, { name, kind, isStatic: true, visibility: m.visibility, annotations: m.annotations, line: lineOf(ctx) });
    file.types.push(type);
    stack.push(type);
  };
  /** @param {any} ctx @param {string} kind @param {string} name */
  const member = (ctx, kind, name) => {
    const m = modifiersOf(holderOf(ctx));
    addMember(name, { name, kind, isStatic: m.isStatic, visibility: m.visibility, annotations: m.annotations, line: lineOf(ctx) });
  };

  const visitor = new (class extends ApexParserBaseListener {
    /** @param {any} ctx */
    enterClassDeclaration(ctx) {
      enterType(ctx, "class");
    }
    exitClassDeclaration() {
      stack.pop();
    }
    /** @param {any} ctx */
    enterInterfaceDeclaration(ctx) {
      enterType(ctx, "interface");
    }
    exitInterfaceDeclaration() {
      stack.pop();
    }
    /** @param {any} ctx */
    enterEnumDeclaration(ctx) {
      enterType(ctx, "enum");
    }
    exitEnumDeclaration() {
      stack.pop();
    }
    /** @param {any} ctx */
    enterMethodDeclaration(ctx) {
      member(ctx, "method", ctx.id().getText());
    }
    /** @param {any} ctx */
    enterFieldDeclaration(ctx) {
      for (const d of ctx.variableDeclarators().variableDeclarator_list()) member(ctx, "field", d.id().getText());
    }
    /** @param {any} ctx */
    enterPropertyDeclaration(ctx) {
      member(ctx, "property", ctx.id().getText());
    }
    /** X.member and X.member(...) with X a plain name. @param {any} ctx */
    enterDotExpression(ctx) {
      const left = ctx.expression();
      const primary = typeof left?.primary === "function" ? left.primary() : null;
      if (!primary || typeof primary.id !== "function" || !primary.id()) return;
      const name = ctx.anyId()?.getText() ?? ctx.dotMethodCall()?.anyId()?.getText();
      if (!name) return;
      const target = primary.id().getText();
      file.references.push({ target, member: name, line: lineOf(ctx) });
      if (target.toLowerCase() === "database" && /^(query|querywithbinds|countquery|countquerywithbinds|getquerylocator)$/i.test(name)) {
        file.dynamicQueries.push({ userMode: /AccessLevel\.USER_MODE/i.test(ctx.dotMethodCall()?.getText() ?? ""), inLoop: inLoop(ctx), line: lineOf(ctx) });
      }
    }
    /** Outer.Inner in a type. @param {any} ctx */
    enterTypeRef(ctx) {
      const names = ctx.typeName_list().map((/** @type {any} */ t) => t.id()?.getText()).filter(Boolean);
      if (names.length >= 2) file.references.push({ target: names[0], member: names[1], line: lineOf(ctx) });
    }
    /** new Outer.Inner(). @param {any} ctx */
    enterCreatedName(ctx) {
      const names = ctx.idCreatedNamePair_list().map((/** @type {any} */ p) => p.anyId().getText());
      if (names.length >= 2) file.references.push({ target: names[0], member: names[1], line: lineOf(ctx) });
    }
    /** [SELECT ...]. @param {any} ctx */
    enterQuery(ctx) {
      const from = ctx.fromNameList()?.fieldName_list().map((/** @type {any} */ f) => f.getText()) ?? [];
      const fields = ctx.selectList()?.selectEntry_list().map((/** @type {any} */ e) => e.fieldName()?.getText()).filter(Boolean) ?? [];
      file.queries.push({ from: from[0] ?? "", fields, userMode: Boolean(ctx.withClause()?.USER_MODE()), inLoop: inLoop(ctx), line: lineOf(ctx) });
    }
  })();
  ApexParseTreeWalker.DEFAULT.walk(visitor, unit);
  cache.set(source, file);
  return file;
}

/**
 * Static methods of a class with their annotations (lower case), by name as declared.
 * @param {ApexFile} file
 * @returns {Map<string, Set<string>>}
 */
export function staticMethods(file) {
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  const top = file.types[0];
  if (!top) return out;
  for (const members of top.members.values()) {
    for (const m of members) if (m.kind === "method" && m.isStatic) out.set(m.name, m.annotations);
  }
  return out;
}

/** Standard fields every custom metadata type and custom object has (those a query may name). */
const STANDARD_FIELDS = new Set(["id", "developername", "masterlabel", "label", "namespaceprefix", "qualifiedapiname", "language", "name", "createddate", "createdbyid", "lastmodifieddate", "lastmodifiedbyid", "systemmodstamp", "isdeleted", "ownerid"]);

/**
 * @param {Map<string, ApexFile>} files class name (from the file name) → parsed file
 * @param {{objects?: Map<string, Set<string>>}} [context] objects defined in force-app → their custom field names
 * @returns {string[]} problems
 */
export function checkApex(files, context = {}) {
  /** @type {string[]} */
  const problems = [];
  const objects = new Map([...(context.objects ?? new Map())].map(([name, fields]) => [name.toLowerCase(), new Set([...fields].map((f) => f.toLowerCase()))]));
  /** @type {Map<string, {name: string, file: ApexFile}>} */
  const byName = new Map([...files].map(([name, file]) => [name.toLowerCase(), { name, file }]));

  for (const [name, file] of files) {
    const where = `classes/${name}.cls`;
    for (const error of file.errors) problems.push(`${where}: ${error}`);
    const top = file.types[0];
    if (!top) {
      problems.push(`${where}: declares no class`);
      continue;
    }
    if (top.name !== name) problems.push(`${where}: declares class ${top.name}, the file name says ${name}`);

    for (const ref of file.references) {
      const target = byName.get(ref.target.toLowerCase());
      if (!target) continue;
      const declared = target.file.types[0]?.members.get(ref.member.toLowerCase());
      if (!declared) {
        problems.push(`${where} line ${ref.line}: ${ref.target}.${ref.member}, but ${target.name} has no ${ref.member}`);
        continue;
      }
      if (target.name === name) continue;
      const reachable = declared.some((m) => m.visibility !== "private" || m.annotations.has("testvisible"));
      if (!reachable) {
        problems.push(
          `${where} line ${ref.line}: ${ref.target}.${ref.member} is private in ${target.name}` + (top.isTest ? " (mark it @TestVisible)" : ""),
        );
      }
    }

    if (!top.isTest) {
      for (const q of file.queries) {
        if (!q.userMode) problems.push(`${where} line ${q.line}: the query FROM ${q.from} does not run in user mode (add WITH USER_MODE)`);
      }
      for (const q of file.dynamicQueries) {
        if (!q.userMode) problems.push(`${where} line ${q.line}: Database query without AccessLevel.USER_MODE`);
      }
    }
    for (const q of [...file.queries, ...file.dynamicQueries]) {
      if (q.inLoop) problems.push(`${where} line ${q.line}: a query inside a loop (query once, before the loop)`);
    }
    for (const q of file.queries) {
      const fields = objects.get(q.from.toLowerCase());
      if (!fields) continue;
      for (const field of q.fields) {
        const f = field.toLowerCase();
        if (!STANDARD_FIELDS.has(f) && !fields.has(f)) problems.push(`${where} line ${q.line}: the query selects ${field}, which ${q.from} does not have`);
      }
    }
  }

  for (const [name, file] of files) {
    const top = file.types[0];
    if (!top || top.isTest) continue;
    const tested = [...files].some(
      ([other, f]) => other !== name && f.types[0]?.isTest && f.references.some((r) => r.target.toLowerCase() === name.toLowerCase()),
    );
    if (!tested) problems.push(`classes/${name}.cls: no @IsTest class calls it (deployments to production need coverage)`);
  }
  return problems;
}

/**
 * The test classes, in name order.
 * @param {Map<string, ApexFile>} files
 */
export function testClasses(files) {
  return [...files].filter(([, f]) => f.types[0]?.isTest).map(([name]) => name).sort();
}
