package rules

import (
	"strings"
)

// Source is the event that triggers a rule.
type Source uint8

// Sources, in the order the feature documentation lists them.
const (
	SourceNone Source = iota
	SourceConnectStateChange
	SourceSalesforceStateChange
	SourceSalesforceLogout
	SourceSalesforceWorkAccepted
	SourceSalesforceWorkloadChanged
	numSources
)

var sourceLabels = [...]string{
	"",
	"Connect Agent State Change",
	"Salesforce Agent State Change",
	"Salesforce Agent Logout",
	"Salesforce Work Accepted",
	"Salesforce Workload Changed",
}

func (s Source) String() string {
	if int(s) < len(sourceLabels) {
		return sourceLabels[s]
	}
	return "Source(?)"
}

// MarshalText writes the documented label.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Operand is one side of a rule's criterion.
type Operand uint8

// Operands, in the order the feature documentation lists them.
const (
	OperandNone Operand = iota
	OperandConnectNewState
	OperandConnectOldState
	OperandSalesforceNewState
	OperandServiceChannel
	OperandPreviousWorkload
	OperandPreviousWorkloadPct
	OperandNewWorkload
	OperandNewWorkloadPct
	OperandConfiguredCapacity
	// Added by this project (rules/SEMANTICS.md, section 16).
	OperandChangeReason
	OperandConfiguredInterruptibleCapacity
	OperandPreviousInterruptibleWorkload
	OperandNewInterruptibleWorkload
	OperandPreviousInterruptibleWorkloadPct
	OperandNewInterruptibleWorkloadPct
	OperandConnectNextState
	OperandConnectRoutingProfile
	// OperandStatic stays last: arrays of the operands read from events are
	// sized [OperandStatic].
	OperandStatic
)

var operandLabels = [...]string{
	"",
	"Connect Agent New State",
	"Connect Agent Old State",
	"Salesforce Agent New State",
	"Salesforce Service Channel",
	"Salesforce Previous Workload",
	"Salesforce Previous Workload Pct",
	"Salesforce New Workload",
	"Salesforce New Workload Pct",
	"Salesforce Configured Capacity",
	"Salesforce Change Reason",
	"Salesforce Configured Interruptible Capacity",
	"Salesforce Previous Interruptible Workload",
	"Salesforce New Interruptible Workload",
	"Salesforce Previous Interruptible Workload Pct",
	"Salesforce New Interruptible Workload Pct",
	"Connect Agent Next State",
	"Connect Routing Profile",
	"Static Value",
}

func (o Operand) String() string {
	if int(o) < len(operandLabels) {
		return operandLabels[o]
	}
	return "Operand(?)"
}

// MarshalText writes the documented label.
func (o Operand) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// numeric reports whether the operand always yields a number (or nothing).
func (o Operand) numeric() bool {
	switch o {
	case OperandPreviousWorkload, OperandPreviousWorkloadPct, OperandNewWorkload,
		OperandNewWorkloadPct, OperandConfiguredCapacity,
		OperandConfiguredInterruptibleCapacity, OperandPreviousInterruptibleWorkload, OperandNewInterruptibleWorkload,
		OperandPreviousInterruptibleWorkloadPct, OperandNewInterruptibleWorkloadPct:
		return true
	}
	return false
}

// Comparator compares operand A with operand B.
type Comparator uint8

// Comparators, in the order the feature documentation lists them.
const (
	ComparatorNone Comparator = iota
	Equal
	NotEqual
	Greater
	GreaterOrEqual
	Less
	LessOrEqual
)

var comparatorLabels = [...]string{
	"",
	"Equal to",
	"Not equal to",
	"Greater than",
	"Greater than or equal to",
	"Less than",
	"Less than or equal to",
}

var comparatorSymbols = [...]string{"", "=", "≠", ">", "≥", "<", "≤"}

func (c Comparator) String() string {
	if int(c) < len(comparatorLabels) {
		return comparatorLabels[c]
	}
	return "Comparator(?)"
}

// MarshalText writes the documented label.
func (c Comparator) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// ordering reports whether the comparator needs numbers on both sides.
func (c Comparator) ordering() bool { return c >= Greater }

// Destination is the system a rule writes to.
type Destination uint8

// Destinations.
const (
	DestinationNone Destination = iota
	DestinationSalesforce
	DestinationConnect
	numDestinations
)

var destinationLabels = [...]string{"", "Salesforce Agent State", "Connect Agent State"}

func (d Destination) String() string {
	if int(d) < len(destinationLabels) {
		return destinationLabels[d]
	}
	return "Destination(?)"
}

// MarshalText writes the documented label.
func (d Destination) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts a label in any of the tolerated spellings.
func (d *Destination) UnmarshalText(b []byte) error {
	v, ok := lookupLabel(destinationLabels[:], string(b))
	if !ok {
		return &valueError{field: "destination", value: string(b), allowed: destinationLabels[1:]}
	}
	*d = Destination(v)
	return nil
}

// UnmarshalText accepts a label in any of the tolerated spellings.
func (s *Source) UnmarshalText(b []byte) error {
	v, ok := lookupLabel(sourceLabels[:], string(b))
	if !ok {
		return &valueError{field: "type", value: string(b), allowed: sourceLabels[1:]}
	}
	*s = Source(v)
	return nil
}

type valueError struct {
	field, value string
	allowed      []string
}

func (e *valueError) Error() string {
	v := e.value
	if len(v) > 60 {
		v = v[:60] + "…"
	}
	msg := quote(v) + " is not a valid " + e.field
	if s := suggest(e.value, e.allowed); s != "" {
		msg += "; did you mean " + quote(s) + "?"
	} else {
		msg += "."
	}
	return msg + " Allowed: " + joinQuoted(e.allowed) + "."
}

// SourceLabels, OperandLabels, ComparatorLabels and DestinationLabels list the
// documented picklist values.
func SourceLabels() []string      { return append([]string(nil), sourceLabels[1:]...) }
func OperandLabels() []string     { return append([]string(nil), operandLabels[1:]...) }
func ComparatorLabels() []string  { return append([]string(nil), comparatorLabels[1:]...) }
func DestinationLabels() []string { return append([]string(nil), destinationLabels[1:]...) }

// normalizeLabel folds case and drops spaces, '_' and '-', so that
// "connectAgentStateChange" and "EQUAL_TO" match their labels.
func normalizeLabel(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '_', '-':
			continue
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// lookupLabel finds s among labels (index 0 is the empty "none" entry).
func lookupLabel(labels []string, s string) (int, bool) {
	for i, l := range labels {
		if i > 0 && l == s {
			return i, true
		}
	}
	n := normalizeLabel(s)
	if n == "" {
		return 0, false
	}
	for i, l := range labels {
		if i > 0 && normalizeLabel(l) == n {
			return i, true
		}
	}
	return 0, false
}

// connectSystemStates are the Streams states that cannot be set with
// agent.setState: they may be tested in criteria but never targeted.
var connectSystemStates = []string{
	"Busy", "Pending", "PendingBusy", "CallingCustomer", "AfterCallWork",
	"MissedCallAgent", "FailedConnectAgent", "FailedConnectCustomer",
	"LineEngagedAgent", "LineEngagedCustomer", "Default", "Error",
	"Dialing", "Joining", "PendingAvailable", "Hold", "Joined",
	"AgentHungUp", "BadAddressAgent", "BadAddressCustomer", "MissedCallCustomer",
	"RealtimeCommunicationError", "AgentRingTimeout",
}

// contactStates are the Connect states in which the agent is on a contact
// (Semantics 12): writes are enqueued or deferred.
var contactStates = map[string]bool{
	"Busy": true, "Pending": true, "PendingBusy": true, "CallingCustomer": true,
	"AfterCallWork": true, "Dialing": true, "Joining": true, "PendingAvailable": true,
}

// IsConnectSystemState reports whether name is a Connect system or error state.
func IsConnectSystemState(name string) bool {
	for _, s := range connectSystemStates {
		if s == name {
			return true
		}
	}
	return false
}

// IsOnContact reports whether a Connect state means the agent is on a contact.
func IsOnContact(state string) bool { return contactStates[state] }

// OfflineStatus is the exact Salesforce Agent New State value while logged out.
const OfflineStatus = "Offline"

// The reasons Salesforce gives for a presence status change and for a logout
// (rules/SEMANTICS.md section 16: Omni-Channel's statusChanged and logout payloads).
// "Salesforce Change Reason" reads them; lint warns on any other value.
var (
	statusChangeReasons = []string{"OmniManualStatusChange", "OmniToolkitStatusChange", "OmniPushTimeout",
		"OmniDeclineWork", "OmniSupervisorStatusChange", "OmniLoginStatusChange"}
	logoutReasons = []string{"DuplicateLogin", "DuplicateLoginInSameBrowser", "MaintenanceLogout", "OmniSupervisorLogout"}
)

// reasonsFor lists the reasons an event of source s carries; nil: it carries none.
func reasonsFor(s Source) []string {
	switch s {
	case SourceSalesforceStateChange:
		return statusChangeReasons
	case SourceSalesforceLogout:
		return logoutReasons
	}
	return nil
}
