// @ts-check
/**
 * The types the shim's files share, in one place (JSDoc, checked by `tsc --noEmit` over
 * js/src; js/presence-sync.d.ts is the public face, type-tested against these in
 * js/test/types/). Import one with `import("./types.js").Name`.
 *
 * Options and start:
 * @typedef {"error" | "warn" | "info" | "debug"} LogLevel
 * @typedef {(level: LogLevel, message: string, detail?: unknown) => void} LogFunction
 * @typedef {{
 *   echoWindowMs?: number, loopMaxWrites?: number, loopWindowMs?: number,
 *   retryAttempts?: number, retryBaseMs?: number, writeTimeoutMs?: number,
 *   reconcile?: "none" | "connect" | "salesforce",
 *   leadership?: boolean, logLevel?: LogLevel, startTimeoutMs?: number,
 * }} Options
 * @typedef {{
 *   wasmUrl?: string,
 *   wasmExecUrl?: string,
 *   rules: object | string,
 *   connect: unknown,
 *   salesforce: SalesforceAdapter,
 *   options?: Options,
 * }} StartParams
 *
 * Checking rules (lint.js):
 * @typedef {{
 *   severity: "error" | "warning", code: string, ruleIndex: number, ruleName: string, field: string,
 *   value: string, allowed: string[], suggestion: string, line: number, column: number,
 *   message: string, snippet: string,
 * }} Problem one located problem of a rules document (`ruleIndex` -1: the document itself;
 *   `line` and `column` 0 when it has no place in the text; "" for what does not apply)
 * @typedef {{ok: boolean, problems: Problem[]}} LintResult every problem, in the order of the
 *   text; `ok` when none is an error
 *
 * The engine's inputs and outputs (wasm/BRIDGE.md):
 * @typedef {"Connect Agent State" | "Salesforce Agent State"} Destination
 * @typedef {{op: string, [key: string]: unknown}} EngineInput
 * @typedef {{
 *   id: number, actionId?: number, destination: Destination, value?: string, statusId?: string,
 *   logout?: boolean, enqueueNextState?: boolean, attempt?: number, read?: boolean,
 * }} Command
 * @typedef {{code: string, message: string, [key: string]: unknown}} ErrorDetail
 * @typedef {{
 *   decisions?: Record<string, any>[], actions?: Record<string, any>[], errors?: ErrorDetail[],
 *   commands?: Command[], wakeAt?: number,
 * }} EngineOutput
 * @typedef {{ok: true, state?: unknown} | {ok: false, error: unknown}} Outcome what became of a command, the
 *   platform's error as it gave it (the engine reads and classifies it)
 * @typedef {{
 *   input(input: EngineInput): EngineOutput,
 *   stop(): void,
 *   stats(gc?: boolean): Record<string, any>,
 * }} Engine an engine instance behind the bridge (bridge.js)
 *
 * Salesforce (the adapter shape of js/API.md):
 * @typedef {{statusId: string, statusApiName?: string, statusName?: string}} PresenceStatus a status as
 *   Salesforce reports it; the engine names one that comes with its Id only
 * @typedef {{id: string, developerName: string, label: string}} StatusInfo
 * @typedef {{developerName: string, keyPrefix: string, label?: string, id?: string, relatedEntity?: string}} ServiceChannelInfo
 * @typedef {{type: "statusChanged", statusId: string, statusApiName?: string, statusName?: string, reason?: string}} StatusChangedEvent
 * @typedef {{type: "logout", reason?: string}} LogoutEvent
 * @typedef {{type: "workAccepted", workItemId: string, workId: string, serviceChannel?: string}} WorkAcceptedEvent
 * @typedef {{type: "workloadChanged", configuredCapacity: number | string, previousWorkload: number | string,
 *   newWorkload: number | string, configuredInterruptibleCapacity?: number | string,
 *   previousInterruptibleWorkload?: number | string, newInterruptibleWorkload?: number | string}} WorkloadChangedEvent
 * @typedef {{type: "error", code: string, message: string, payload?: unknown, waiting?: boolean}} AdapterErrorEvent a
 *   problem the adapter reports (its platform sent something unreadable, `invalid-event`; refused the
 *   subscription, `unavailable`; has not answered yet, `timeout` with `waiting: true`)
 * @typedef {{type: "ready", message: string}} ReadyEvent the adapter's platform answers (after a wait)
 * @typedef {StatusChangedEvent | LogoutEvent | WorkAcceptedEvent | WorkloadChangedEvent | AdapterErrorEvent | ReadyEvent} AdapterEvent
 * @typedef {(event: AdapterEvent) => void} AdapterListener
 * @typedef {{
 *   getStatus(): Promise<PresenceStatus | null>,
 *   listStatuses(): Promise<StatusInfo[]>,
 *   setStatus(statusId: string): Promise<unknown>,
 *   logout(): Promise<unknown>,
 *   subscribe(listener: AdapterListener): () => void,
 *   listServiceChannels?(): Promise<ServiceChannelInfo[]>,
 * }} SalesforceAdapter
 * @typedef {{status: PresenceStatus | null, statuses: StatusInfo[], serviceChannels?: ServiceChannelInfo[]}} SalesforceState
 *   what the engine is told of Omni-Channel (its `start` and `salesforce` inputs, a read's answer)
 */

export {};
