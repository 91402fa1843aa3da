// Type declarations for presence-sync's browser API (README "In the browser").
// The classic script defines `window.PresenceSync`; the ES module exports the same names.
// Type-tested against the code's JSDoc types (js/src/types.js) by js/test/types/api.test.ts
// under `tsc --noEmit` (make tsc, part of make test).

export as namespace PresenceSync;

/** The rules document (README "Rules"). */
export interface RulesDocument {
  rules: Rule[];
  connect?: { states: { name: string; type: "routable" | "not_routable" | "offline" }[] };
  salesforce?: {
    statuses?: { id: string; developerName: string; label?: string }[];
    serviceChannels?: { developerName: string; keyPrefix: string }[];
  };
  /** The browser options of start, as defaults (those passed to start win). */
  options?: Options;
  $schema?: string;
}

/** One criterion: Operand A compared with Operand B (a Static Value takes its operand's Value). */
export interface Criterion {
  operandA: string;
  operandAValue?: string;
  comparator: string;
  operandB: string;
  operandBValue?: string;
}

/** Criteria: one criterion, or a group whose members are criteria or groups (at most 4 deep, 20 criteria). */
export type Criteria = Criterion | { all: Criteria[] } | { any: Criteria[] };

interface RuleBase {
  name: string;
  active?: boolean;
  description?: string;
  source: string;
  destination: string;
  /** After the rule issues a write, it does not fire again for this long (ms). */
  cooldownMs?: number;
}

/**
 * A rule: `criteria` and `state` (the canonical shape), or the CTI adapter's record form
 * (the operands at the rule's top level and `value`), never both.
 */
export type Rule = (RuleBase & { criteria: Criteria; state: string }) | (RuleBase & Criterion & { value: string });

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface Options {
  /** Echo window after a write completes, ms (5000; 0 turns echo suppression off). */
  echoWindowMs?: number;
  /** More than this many writes to one destination within loopWindowMs pauses it (6). */
  loopMaxWrites?: number;
  /** ms (10000). */
  loopWindowMs?: number;
  /** Tries in all for a failed write (3). */
  retryAttempts?: number;
  /** First retry delay, doubling, ms (250). */
  retryBaseMs?: number;
  /** A write with no answer in this long is a failed try, ms (5000). */
  writeTimeoutMs?: number;
  /** When this tab becomes the writer (at start, on takeover), apply the rules once to this system's current state ("none"). */
  reconcile?: "none" | "connect" | "salesforce";
  /** Elect one writer tab among the agent's tabs (true). */
  leadership?: boolean;
  /** What the shim logs to the console ("warn"). */
  logLevel?: LogLevel;
  /** How long start waits for Streams to report the agent, and for the Salesforce side's first answer before it starts without it, ms (30000). */
  startTimeoutMs?: number;
}

/** A status as the adapter reports it: as Salesforce gives it (the engine names a status that comes with its Id only). */
export interface PresenceStatus {
  statusId: string;
  statusApiName?: string;
  statusName?: string;
}

export interface StatusInfo {
  id: string;
  developerName: string;
  label: string;
}

export interface ServiceChannelInfo {
  developerName: string;
  /** The 3-character key prefix of the object the channel routes (a work item's channel is found by it). */
  keyPrefix: string;
  label?: string;
  id?: string;
  relatedEntity?: string;
}

/**
 * What an adapter's listener receives: Salesforce's facts as Salesforce gives them (a status
 * by its Id only, as a login reports it, is named by the engine; a work item without its
 * channel gets it from its key prefix; a login is a status change with reason
 * OmniLoginStatusChange), a problem the adapter reports (`error`: `invalid-event` for a
 * payload it cannot read, `timeout` with `waiting: true` while its platform has not answered
 * yet, `unavailable`), or `ready` when its platform first answers after a wait.
 */
export type SalesforceEvent =
  | { type: "statusChanged"; statusId: string; statusApiName?: string; statusName?: string; reason?: string }
  | { type: "logout"; reason?: string }
  | { type: "workAccepted"; workItemId: string; workId: string; serviceChannel?: string }
  | {
      type: "workloadChanged";
      configuredCapacity: number | string;
      previousWorkload: number | string;
      newWorkload: number | string;
      configuredInterruptibleCapacity?: number | string;
      previousInterruptibleWorkload?: number | string;
      newInterruptibleWorkload?: number | string;
    }
  | { type: "error"; code: string; message: string; payload?: unknown; waiting?: boolean }
  | { type: "ready"; message: string };

/** Any object of this shape can be the Salesforce side. */
export interface SalesforceAdapter {
  /** null: logged out of Omni-Channel. */
  getStatus(): Promise<PresenceStatus | null>;
  listStatuses(): Promise<StatusInfo[]>;
  /** Rejects with what the platform gave (the engine reads and classifies it). */
  setStatus(statusId: string): Promise<unknown>;
  logout(): Promise<unknown>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: SalesforceEvent) => void): () => void;
  /** Optional: the service channels, for the engine to find a work item's channel by its key prefix. */
  listServiceChannels?(): Promise<ServiceChannelInfo[]>;
}

/** The subset of the Amazon Connect Streams global the shim uses. */
export interface StreamsLike {
  agent(callback: (agent: any) => void): { unsubscribe(): void } | undefined;
  core?: { getEventBus?(): unknown };
  /** Streams 2.28: after a region failover the agent's states and contacts are read again. */
  globalResiliency?: { onFailoverCompleted?(callback: (e: unknown) => void): { unsubscribe(): void } | (() => void) };
}

/** One of the agent's contacts as Streams reports it: `contact.getType()`, `contact.getState().type`. */
export interface ConnectContact {
  /** "voice" (a supervisor's monitoring too), "queue_callback", "chat", "task", "email". */
  type: string;
  /** "incoming", "pending", "connecting", "connected", "missed", "error", "ended" (After Call Work), "rejected", "paused". */
  state: string;
}

/** A Connect Agent State Change as the engine receives it (a decision's `event`). A field Streams could not give is absent. */
export interface ConnectAgentStateChange {
  type: "Connect Agent State Change";
  oldState: string;
  newState: string;
  /** The type Streams gives the new state (MissedCallAgent and the Failed… states: "error"). */
  stateType?: "routable" | "not_routable" | "offline" | "system" | "error";
  /** The agent's contacts (`agent.getContacts()`); [] when none. */
  contacts?: ConnectContact[];
  /** The state queued as next status (`agent.getNextState()`); "" when none. */
  nextState?: string;
  /** `agent.getRoutingProfile().name`. */
  routingProfile?: string;
}

export interface StartParams {
  /** URL of presence-sync.wasm; default: beside the script (wasm_exec.js beside it too). */
  wasmUrl?: string;
  /** URL of Go's wasm_exec.js; default: beside the .wasm. */
  wasmExecUrl?: string;
  /** The rules document, as an object or JSON text. */
  rules: RulesDocument | string;
  /** The Amazon Connect Streams global (window.connect). */
  connect: StreamsLike;
  salesforce: SalesforceAdapter;
  options?: Options;
}

export type Destination = "Salesforce Agent State" | "Connect Agent State";

export type ActionStatus = "issued" | "applied" | "retrying" | "failed" | "skipped" | "deferred" | "enqueued" | "superseded" | "queued";

/** One change of a write's status. */
export interface ActionDetail {
  /** A writer tab's, as this tab heard it (with `from`, its tabId). */
  remote?: true;
  from?: string;
  id?: number;
  destination: Destination;
  value: string;
  rule: string;
  ruleIndex: number;
  status: ActionStatus;
  error?: string;
  reason?: string;
  statusId?: string;
  attempt?: number;
  enqueueNextState?: boolean;
  [key: string]: unknown;
}

/** What became of one rule for one event. */
export interface RuleTrace {
  index: number;
  name: string;
  matched: boolean;
  outcome?: string;
  reason?: string;
  [key: string]: unknown;
}

/** One per event (rules/SEMANTICS.md, section 13). */
export interface DecisionDetail {
  /** A writer tab's, as this tab heard it (with `from`, its tabId). */
  remote?: true;
  from?: string;
  seq?: number;
  time?: number;
  event: { type: string; [key: string]: unknown };
  snapshot: Record<string, unknown>;
  echo: boolean;
  /**
   * For each rule, by name and index, whether it matched and why not. Rendered only when
   * something reads it: while `start` is pending, when the event is handled with a
   * `decision` listener attached, or with `logLevel: "debug"`; otherwise absent and
   * `traced` is false (a writer tab's shared decisions, in `remote` events, likewise).
   */
  rules?: RuleTrace[];
  /** false when `rules` was not rendered (nothing was listening for decisions). */
  traced?: false;
  actions?: ActionDetail[];
  /** An event repeating what was just handled (Omni-Channel's status change after a login): no rule evaluated. */
  duplicate?: boolean;
  /** The rules applied once to a system's current state (options.reconcile). */
  reconcile?: boolean;
  note?: string;
  [key: string]: unknown;
}

export type ErrorCode =
  | "invalid-rules"
  | "invalid-event"
  | "unknown-state"
  | "write-failed"
  | "timeout"
  | "loop"
  | "internal"
  | (string & {});

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  /** A writer tab's, as this tab heard it. */
  remote?: true;
  /** The writer tab's id, on a remote detail. */
  from?: string;
  /**
   * The writer tab shares this error with the agent's other tabs (its writes' failures:
   * write-failed, timeout, loop; internal). Errors every tab finds for itself (invalid-rules,
   * invalid-event, unknown-state, the adapters' own) are not shared.
   */
  share?: true;
  rule?: string;
  ruleIndex?: number;
  rules?: string[];
  destination?: Destination;
  value?: string;
  [key: string]: unknown;
}

/** This tab's role among the agent's tabs: once it is known (at start; with a late Omni-Channel, once it is read), then on every change. */
export interface LeaderDetail {
  /** This tab writes (the writer); false: a follower, which decides but never writes. */
  leader: boolean;
  /** How the writer is elected: Web Locks, a localStorage lease, this tab alone, or leadership off. */
  mode: "locks" | "lease" | "single" | "off";
  /** This tab's id (null with leadership off). */
  tabId: string | null;
}

/** A decision, action or error of the writer tab, as another tab receives it. */
export type RemoteDetail =
  | { type: "decision"; from: string; detail: DecisionDetail }
  | { type: "action"; from: string; detail: ActionDetail }
  | { type: "error"; from: string; detail: ErrorDetail };

export interface PresenceSyncEventMap {
  decision: CustomEvent<DecisionDetail>;
  action: CustomEvent<ActionDetail>;
  error: CustomEvent<ErrorDetail>;
  /** This tab became (or stopped being) the writer; also once when the role is first known. */
  leader: CustomEvent<LeaderDetail>;
  /** What the writer tab decided and did, received over BroadcastChannel (followers' logs). */
  remote: CustomEvent<RemoteDetail>;
}

/**
 * A running sync. Events produced while start ran are dispatched in the task after it
 * resolves. Every tab hears the writer tab's decisions, actions and errors too, as the same
 * events with `detail.remote: true` and `detail.from` (the writer's tabId).
 */
export interface PresenceSync extends EventTarget {
  readonly stopped: boolean;
  /** True while this tab is the writer (always with `leadership: false`). */
  readonly leader: boolean;
  /** This tab's id among the agent's tabs (null with `leadership: false`). */
  readonly tabId: string | null;
  addEventListener<K extends keyof PresenceSyncEventMap>(type: K, listener: (ev: PresenceSyncEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PresenceSyncEventMap>(type: K, listener: (ev: PresenceSyncEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  /** Unsubscribes everything, hands tab leadership over, and releases every js.Func. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The one error type of the shim. Codes of a rejected start: "invalid-rules" (with
 * `problems`), "invalid-options", "wasm-blocked" (the page's CSP needs
 * 'wasm-unsafe-eval'), "wasm-load-failed", "timeout" (Streams never reported the agent),
 * "start-failed", "stopped"; the built-in adapters reject with "unavailable" and
 * "invalid-event" besides what Salesforce gave.
 */
export interface PresenceSyncError extends Error {
  name: "PresenceSyncError";
  code: "invalid-rules" | "invalid-options" | "wasm-blocked" | "wasm-load-failed" | "timeout" | "start-failed" | "stopped" | (string & {});
  problems?: unknown[];
}

export function start(params: StartParams): Promise<PresenceSync>;

/** One located problem of a rules document (what `presencesync lint` reports). */
export interface Problem {
  severity: "error" | "warning";
  /** A stable code: "unknown-value", "missing-field", "syntax", "cycle", "shadowed", ... */
  code: string;
  /** The rule's index; -1 for the document itself. */
  ruleIndex: number;
  ruleName: string;
  /** The field, by its path inside a rule ("criteria.all[1].operandA"); "" for the rule or document. */
  field: string;
  /** The bad value; "" when none. */
  value: string;
  /** The values allowed there. */
  allowed: string[];
  /** A did-you-mean; "" when none is close. */
  suggestion: string;
  /** 1-based line and column (in characters) in the text checked; 0 when the problem has no place in it. */
  line: number;
  column: number;
  message: string;
  /** The line with a caret under the column. */
  snippet: string;
}

/** Every problem of a rules document, in the order of the text; `ok` when none is an error. */
export interface LintResult {
  ok: boolean;
  problems: Problem[];
}

/**
 * The module's own check of a rules document: the same as `presencesync lint` and as
 * `start`'s compile, each problem located in the text given (an object is checked as
 * `JSON.stringify(rules, null, 2)`). Loads the module once per page; creates no engine.
 * Rejects only when the module cannot be loaded or `rules` is not a document.
 */
export function lint(rules: RulesDocument | string, options?: { wasmUrl?: string; wasmExecUrl?: string }): Promise<LintResult>;

export const version: string;

export const salesforce: {
  /**
   * Lightning: the page runs inside the Presence Sync utility item (PresenceSyncBridge), which
   * holds the Omni toolkit and relays it over window.postMessage (strict origins). Until
   * Omni-Channel first answers, the listener gets `{type: "error", code: "timeout", waiting: true}`
   * while it waits longer than `timeoutMs`, then `{type: "ready"}`.
   */
  lightning(options: {
    /** Resolves to the presence status catalog ({statuses, serviceChannels}). */
    catalog: () => Promise<unknown>;
    /** The exact origin of the utility item (the org's Lightning domain). */
    parentOrigin?: string;
    /** The relay token from the page's URL (#relay=...). */
    relayToken?: string;
    /** Another relay transport instead of the frame one. */
    transport?: unknown;
    /** How long Omni-Channel may stay silent at first before the adapter says it waits (5000 ms). */
    timeoutMs?: number;
    helloMs?: number;
    log?: (level: LogLevel, message: string, detail?: unknown) => void;
    [key: string]: unknown;
  }): SalesforceAdapter & { listServiceChannels(): Promise<ServiceChannelInfo[]> };
  /** Salesforce Console Integration Toolkit (sforce.console.presence). */
  console(
    sforce?: unknown,
    options?: { catalog?: () => Promise<unknown>; log?: (level: LogLevel, message: string, detail?: unknown) => void },
  ): SalesforceAdapter & { listServiceChannels(): Promise<ServiceChannelInfo[]> };
};
