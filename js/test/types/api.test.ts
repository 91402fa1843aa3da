// The public declarations (js/presence-sync.d.ts) against the code (its JSDoc types, js/src):
// compiled by `tsc --noEmit -p js` (make tsc, part of make test). A declaration that promises
// what the code does not do, or a change of the code that the declarations miss, fails here.

import * as impl from "../../src/index.js";
import type * as Public from "../../presence-sync";
import type * as T from "../../src/types.js";
import type { PresenceSync as ImplSync } from "../../src/sync.js";
import type { PresenceSyncError as ImplError } from "../../src/errors.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Expect<C extends true> = C;
type Assignable<A, B> = [A] extends [B] ? true : false;
type Both<A, B> = Assignable<A, B> extends true ? Assignable<B, A> : false;
type Of<U, K> = Extract<U, { type: K }>;

// The module exports what the declarations declare, name for name, and each is of its type.
export type ExportsNameForName = Expect<Equal<keyof typeof impl, keyof typeof Public>>;
export const start: typeof Public.start = impl.start;
export const salesforce: typeof Public.salesforce = impl.salesforce;
export const version: typeof Public.version = impl.version;
export const lint: typeof Public.lint = impl.lint;
export type LintResult = Expect<Equal<Awaited<ReturnType<typeof impl.lint>>, Public.LintResult>>;
export type Problem = Expect<Equal<Public.Problem, T.Problem>>;

// start resolves with what the declarations call a PresenceSync.
export type SyncIsPublic = Expect<Assignable<ImplSync, Public.PresenceSync>>;
export type SyncReadonly = Expect<Equal<Pick<ImplSync, "stopped" | "leader" | "tabId">, Pick<Public.PresenceSync, "stopped" | "leader" | "tabId">>>;

// The options, the same keys with the same types.
export type OptionKeys = Expect<Equal<keyof Public.Options, keyof T.Options>>;
export type OptionTypes = Expect<Both<Required<Public.Options>, Required<T.Options>>>;

// start's parameters: what a page passes is what the code takes.
export type Params = Expect<Assignable<Public.StartParams, T.StartParams>>;

// The adapter shape, both ways (a page's own adapter, and the built-in ones).
export type AdapterIn = Expect<Assignable<Public.SalesforceAdapter, T.SalesforceAdapter>>;
export type AdapterOut = Expect<Assignable<T.SalesforceAdapter, Public.SalesforceAdapter>>;
export type Status = Expect<Equal<Public.PresenceStatus, T.PresenceStatus>>;
export type StatusInfo = Expect<Equal<Public.StatusInfo, T.StatusInfo>>;
export type Channels = Expect<Equal<Public.ServiceChannelInfo, T.ServiceChannelInfo>>;

// The adapter events, type by type, field by field.
export type EventTypes = Expect<Equal<Public.SalesforceEvent["type"], T.AdapterEvent["type"]>>;
export type StatusChanged = Expect<Equal<Of<Public.SalesforceEvent, "statusChanged">, Of<T.AdapterEvent, "statusChanged">>>;
export type Logout = Expect<Equal<Of<Public.SalesforceEvent, "logout">, Of<T.AdapterEvent, "logout">>>;
export type WorkAccepted = Expect<Equal<Of<Public.SalesforceEvent, "workAccepted">, Of<T.AdapterEvent, "workAccepted">>>;
export type WorkloadChanged = Expect<Equal<Of<Public.SalesforceEvent, "workloadChanged">, Of<T.AdapterEvent, "workloadChanged">>>;
export type AdapterError = Expect<Equal<Of<Public.SalesforceEvent, "error">, Of<T.AdapterEvent, "error">>>;
export type Ready = Expect<Equal<Of<Public.SalesforceEvent, "ready">, Of<T.AdapterEvent, "ready">>>;

// The built-in adapters return the shape, with listServiceChannels.
export const lightning: Public.SalesforceAdapter = impl.salesforce.lightning({ catalog: async () => ({}), parentOrigin: "https://x.lightning.force.com" });
export const classic: Public.SalesforceAdapter = impl.salesforce.console({});

// The one error type.
export type ErrorType = Expect<Assignable<ImplError, Error & { code: string; problems?: unknown[] }>>;
export type ErrorCodes = Expect<Assignable<Public.PresenceSyncError["code"], string>>;

// Engine details as dispatched: an ErrorDetail of the code is the public one's.
export type ErrorDetail = Expect<Assignable<T.ErrorDetail, Pick<Public.ErrorDetail, "code" | "message">>>;
export type LogLevels = Expect<Equal<Public.LogLevel, T.LogLevel>>;
