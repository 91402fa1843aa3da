package rules

import (
	"strconv"
	"strings"
)

// Every sentence the coordinator says to an admin — action reasons, error
// messages, decision notes — is built here, so the wording is consistent and
// reviewed in one place. The policy files call these; none builds text itself.

// CodeStartFailed: a platform could not be read when this tab started writing
// (at start, or when it became the writer). (The other codes are in diagnostic.go.)
const CodeStartFailed = "start-failed"

func seconds(ms int64) string {
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10) + " s"
	}
	return strconv.FormatInt(ms, 10) + " ms"
}

// systemName names the system a destination writes.
func systemName(d Destination) string {
	if d == DestinationConnect {
		return "Amazon Connect"
	}
	return "Omni-Channel"
}

// --- catalog (unknown-state) ---

func msgTargetNotInConnect(value string) string {
	return quote(value) + ", which is not an agent state this agent can set in Amazon Connect"
}

func msgTargetNotInOmni(value string) string {
	return quote(value) + ", which is not a presence status DeveloperName this agent can use in Omni-Channel"
}

func msgUnknownAtStart(rule, what string) string {
	return "rule " + quote(rule) + " targets " + what + "; it will not write until the catalog has it"
}

func msgUnknownWhenFired(rule, what string) string {
	return "rule " + quote(rule) + " fired but targets " + what + "; nothing was written"
}

const reasonMissingFromCatalog = "the target is missing from the catalog"

// --- where a write goes (plan) ---

const reasonFollower = "this tab is a follower; the writer tab writes"

func reasonPaused(d Destination) string {
	return "writes to " + d.String() + " are paused by the loop breaker until the agent changes state by hand"
}

func reasonReplacedBy(value, rule string) string {
	return "replaced by " + quote(value) + " from rule " + quote(rule)
}

func reasonWaitingInFlight(d Destination) string {
	return "waiting for the write in flight to " + d.String()
}

// reason is the skipped write's reason for a target already in effect.
func (w effectiveWhy) reason(value string) string {
	switch w {
	case whyQueued:
		return "a queued write already targets " + quote(value)
	case whyInflight:
		return "the write in flight already targets " + quote(value)
	case whyDeferred:
		return "a deferred write already targets " + quote(value)
	case whyEnqueued:
		return quote(value) + " is already the next state"
	case whyConnect:
		return "Amazon Connect is already " + quote(value)
	}
	return "Omni-Channel is already " + quote(value)
}

// --- contacts and next states (Semantics 12, 19) ---

// reasonDeferredOnContact: a routable target waits for the contact to end.
func reasonDeferredOnContact(on string) string {
	return "the agent is on a contact (" + on + "); a routable state is set when the contact ends"
}

// contactText names what the agent is on: the contacts' channels, or the state.
func contactText(snap *Snapshot) string {
	if !snap.ConnectContactsKnown {
		return snap.ConnectState
	}
	var b strings.Builder
	n := 0
	for _, ct := range snap.ConnectContacts {
		if !liveContact(ct) {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		if n > 4 {
			b.WriteString("…")
			break
		}
		typ := ct.Type
		if typ == "" {
			typ = "contact"
		}
		b.WriteString(typ)
		if ct.State != "" {
			b.WriteString(" " + ct.State)
		}
	}
	if n == 0 {
		return snap.ConnectState
	}
	return b.String()
}

const reasonEnqueued = "Amazon Connect will apply it when the contact ends"

const reasonEnqueuedApplied = "the contact ended and Amazon Connect applied the next state"

func reasonContactEndedInstead(state string) string {
	return "the contact ended in " + quote(state) + " instead"
}

func reasonContactEndedInChoice(state string) string {
	return "the contact ended in " + quote(state) + ", which the agent chose after this write was deferred: a newer choice"
}

func reasonAgentQueued(next string) string {
	return "the agent queued " + quote(next) + " as the next state in Amazon Connect: a newer choice"
}

const reasonNextStateCleared = "the next state was cleared in Amazon Connect before the contact ended"

// --- Omni-Channel not read yet ---

const reasonOmniNotRead = "Omni-Channel has not been read yet; written once its status is known"

// --- retries and timeouts (Semantics 12) ---

func reasonRetrying(errType, errMsg string, next, attempts int, backoff int64) string {
	return errType + ": " + errMsg + "; try " + strconv.Itoa(next) + " of " + strconv.Itoa(attempts) +
		" in " + strconv.FormatInt(backoff, 10) + " ms"
}

func reasonNotRetriedNewer(errType, newer string) string {
	return errType + "; not retried: a newer target " + quote(newer) + " is waiting"
}

func reasonNotRetriedFollower(errType string) string {
	return errType + "; not retried: this tab is no longer the writer"
}

func whyFailed(attempts int, permanent bool) string {
	if permanent {
		return "a permanent error, not retried"
	}
	return "after " + strconv.Itoa(attempts) + " tries"
}

func reasonFailed(errType, errMsg, why string) string {
	return errType + ": " + errMsg + " (" + why + ")"
}

func msgWriteFailed(a *Action, errType, errMsg, why string) string {
	return "could not set " + a.Destination.String() + " to " + quote(a.Value) + " for rule " + quote(a.Rule) + ": " +
		strings.TrimSpace(errType+" "+errMsg) + " (" + why + ")"
}

func msgWriteTimeout(a *Action, timeoutMs int64) string {
	return a.Destination.String() + " did not answer the write of " + quote(a.Value) + " within " + seconds(timeoutMs)
}

func msgNoAnswer(timeoutMs int64) string { return "no answer within " + seconds(timeoutMs) }

// --- loop breaker (Semantics 10) ---

func msgLoop(rules []string, d Destination, max int, windowMs int64) string {
	return "rules " + joinQuoted(rules) + " wrote " + d.String() + " more than " + strconv.Itoa(max) + " times in " +
		seconds(windowMs) + "; writes to it are paused until the agent changes state by hand"
}

const reasonLoopPaused = "paused by the loop breaker"

// msgResumedByHand is the note of the decision on a change the agent made by
// hand while the loop breaker had paused writes.
func msgResumedByHand(resumed []Destination) string {
	names := make([]string, len(resumed))
	for i, d := range resumed {
		names[i] = d.String()
	}
	return "the agent changed state by hand: writes to " + strings.Join(names, " and ") + " paused by the loop breaker resume"
}

// --- leadership and takeover ---

const reasonNoLongerWriter = "this tab is no longer the writer; the writer tab decides"

const reasonTakingOver = "this tab is becoming the writer; written once it has read both systems"

const reasonAdopted = "the previous writer tab decided this write but it had not shown up; this tab, the new writer, makes it"

const noteCatchUp = "catch-up: this tab had missed this change; it read the system when it became the writer"

const noteCatchUpRead = "catch-up: a new read of the system showed a change this tab had not been told"

func msgReadTimeout(d Destination, timeoutMs int64, purpose string) string {
	return systemName(d) + " did not answer a read of its current state within " + seconds(timeoutMs) + " (" + purpose + ")"
}

func msgReadFailed(d Destination, errType, errMsg, purpose string) string {
	return "could not read " + systemName(d) + " (" + purpose + "): " + strings.TrimSpace(errType+" "+errMsg) +
		"; it goes on with the last state it knew"
}

const purposeTakeover = "this tab became the writer; it goes on with the last state it knew"

const purposeNaming = "to name a presence status the catalog does not know"

// --- reconcile (Semantics 17) ---

func noteReconcile(system, when string) string {
	return "reconcile: the rules applied once to " + system + "'s current state (" + when + ")"
}

const reconcileAtStart = "at start"

const reconcileTakeover = "this tab became the writer"

const reconcileOmniRead = "Omni-Channel was read"

// --- Salesforce events ---

const noteDuplicateLogin = "duplicate: Omni-Channel repeated the status of the login just handled; no rule evaluated"

func msgUnnamedStatus(id, how string) string {
	return "statusApiName is missing and status " + quote(id) +
		" is not in the presence status catalog (" + how + ")"
}
