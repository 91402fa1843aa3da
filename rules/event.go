package rules

import (
	"encoding/json"
	"strings"
)

// Event is one platform change, in the canonical shape of DESIGN.md.
type Event struct {
	Type Source `json:"type"`
	// Connect Agent State Change
	OldState string `json:"oldState,omitempty"`
	NewState string `json:"newState,omitempty"`
	// Salesforce Agent State Change
	StatusID      string `json:"statusId,omitempty"`
	StatusAPIName string `json:"statusApiName,omitempty"`
	StatusName    string `json:"statusName,omitempty"`
	Reason        string `json:"reason,omitempty"`
	// Salesforce Work Accepted
	WorkItemID     string `json:"workItemId,omitempty"`
	WorkID         string `json:"workId,omitempty"`
	ServiceChannel string `json:"serviceChannel,omitempty"`
	// Salesforce Workload Changed
	ConfiguredCapacity OptNum `json:"configuredCapacity,omitzero"`
	PreviousWorkload   OptNum `json:"previousWorkload,omitzero"`
	NewWorkload        OptNum `json:"newWorkload,omitzero"`
}

// eventWire is the decoding form: every field raw, so that each can be checked
// against its documented type and reported by name.
type eventWire struct {
	Type               json.RawMessage `json:"type"`
	OldState           json.RawMessage `json:"oldState"`
	NewState           json.RawMessage `json:"newState"`
	StatusID           json.RawMessage `json:"statusId"`
	StatusAPIName      json.RawMessage `json:"statusApiName"`
	StatusName         json.RawMessage `json:"statusName"`
	Reason             json.RawMessage `json:"reason"`
	WorkItemID         json.RawMessage `json:"workItemId"`
	WorkID             json.RawMessage `json:"workId"`
	ServiceChannel     json.RawMessage `json:"serviceChannel"`
	ConfiguredCapacity json.RawMessage `json:"configuredCapacity"`
	PreviousWorkload   json.RawMessage `json:"previousWorkload"`
	NewWorkload        json.RawMessage `json:"newWorkload"`
}

// maxFieldLen bounds any string in an event: platform names are short, and a
// huge string is hostile input.
const maxFieldLen = 4096

// DecodeEvent reads an event. A field that cannot be read as its documented
// type, or a missing or unknown type, is an invalid-event error naming the
// field; a missing optional field is not an error.
func DecodeEvent(data []byte) (Event, error) {
	var w eventWire
	var ev Event
	if err := json.Unmarshal(data, &w); err != nil {
		return ev, invalidEvent("", "the event is not a JSON object: "+err.Error())
	}
	if len(w.Type) == 0 || string(w.Type) == "null" {
		return ev, invalidEvent("type", "the event has no type; allowed: "+joinQuoted(sourceLabels[1:]))
	}
	var typ string
	if !isJSONString(w.Type) || json.Unmarshal(w.Type, &typ) != nil {
		return ev, invalidEvent("type", "type must be a string, got "+jsonKind(w.Type))
	}
	if err := ev.Type.UnmarshalText([]byte(typ)); err != nil {
		return ev, invalidEvent("type", err.Error())
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{
		{"oldState", w.OldState, &ev.OldState}, {"newState", w.NewState, &ev.NewState},
		{"statusId", w.StatusID, &ev.StatusID}, {"statusApiName", w.StatusAPIName, &ev.StatusAPIName},
		{"statusName", w.StatusName, &ev.StatusName}, {"reason", w.Reason, &ev.Reason},
		{"workItemId", w.WorkItemID, &ev.WorkItemID}, {"workId", w.WorkID, &ev.WorkID},
		{"serviceChannel", w.ServiceChannel, &ev.ServiceChannel},
	} {
		if err := readString(f.raw, f.dst); err != nil {
			return ev, invalidEvent(f.name, f.name+" "+err.Error())
		}
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *OptNum
	}{
		{"configuredCapacity", w.ConfiguredCapacity, &ev.ConfiguredCapacity},
		{"previousWorkload", w.PreviousWorkload, &ev.PreviousWorkload},
		{"newWorkload", w.NewWorkload, &ev.NewWorkload},
	} {
		v, ok, err := readNumber(f.raw)
		if err != nil {
			return ev, invalidEvent(f.name, f.name+": "+err.Error())
		}
		*f.dst = OptNum{V: v, OK: ok}
	}
	if ev.Type == SourceConnectStateChange && ev.NewState == "" {
		return ev, invalidEvent("newState", "a Connect Agent State Change needs newState, the state the agent is now in")
	}
	return ev, nil
}

func readString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if !isJSONString(raw) {
		return errorString("must be a string, got " + jsonKind(raw))
	}
	if len(raw) > maxFieldLen {
		return errorString("is too long (" + itoa(len(raw)) + " bytes; at most " + itoa(maxFieldLen) + ")")
	}
	return json.Unmarshal(raw, dst)
}

type errorString string

func (e errorString) Error() string { return string(e) }

func invalidEvent(field, msg string) *Error {
	return &Error{Code: CodeInvalidEvent, Field: field, Message: "ignored a malformed event: " + msg}
}

// Snapshot is what the engine knows of both systems when an event arrives.
type Snapshot struct {
	ConnectState         string `json:"connectState"`
	ConnectPreviousState string `json:"connectPreviousState,omitempty"`
	// ConnectNextState is a state sent with enqueueNextState, applied when the contact ends.
	ConnectNextState   string `json:"connectNextState,omitempty"`
	SalesforceStatus   string `json:"salesforceStatus"` // DeveloperName; "Offline" while logged out
	SalesforceStatusID string `json:"salesforceStatusId,omitempty"`
	ConfiguredCapacity OptNum `json:"configuredCapacity,omitzero"`
	PreviousWorkload   OptNum `json:"previousWorkload,omitzero"`
	Workload           OptNum `json:"workload,omitzero"`
	ServiceChannel     string `json:"serviceChannel,omitempty"` // of the last work accepted
}

// Catalog is what the live platforms (or the document) say exists.
type Catalog struct {
	Connect    ConnectCatalog
	Salesforce SalesforceCatalog
}

// StatusByID finds a presence status by Id, comparing the first 15 characters
// (Ids arrive in 15- and 18-character forms).
func (c *Catalog) StatusByID(id string) *SalesforceStatus {
	k := id15(id)
	if k == "" {
		return nil
	}
	for i := range c.Salesforce.Statuses {
		if id15(c.Salesforce.Statuses[i].ID) == k {
			return &c.Salesforce.Statuses[i]
		}
	}
	return nil
}

// StatusByName finds a presence status by DeveloperName.
func (c *Catalog) StatusByName(name string) *SalesforceStatus {
	s, _ := findStatus(c.Salesforce.Statuses, name)
	return s
}

// ChannelForWorkItem resolves a work item's service channel from its
// 3-character key prefix.
func (c *Catalog) ChannelForWorkItem(workItemID string) string {
	if len(workItemID) < 3 {
		return ""
	}
	p := workItemID[:3]
	for _, ch := range c.Salesforce.ServiceChannels {
		if strings.EqualFold(ch.KeyPrefix, p) {
			return ch.DeveloperName
		}
	}
	return ""
}

func id15(id string) string {
	if len(id) >= 15 {
		return id[:15]
	}
	return id
}

// SameID compares two Salesforce Ids on their first 15 characters.
func SameID(a, b string) bool { return a != "" && id15(a) == id15(b) }

// Normalize fills what the event leaves to the catalog: the status DeveloperName
// from its Id, and the service channel from the work item's key prefix.
func (c *Catalog) Normalize(ev *Event) {
	switch ev.Type {
	case SourceSalesforceStateChange:
		if ev.StatusAPIName == "" {
			if s := c.StatusByID(ev.StatusID); s != nil {
				ev.StatusAPIName = s.DeveloperName
				if ev.StatusName == "" {
					ev.StatusName = s.Label
				}
			}
		}
		if ev.StatusID == "" && ev.StatusAPIName != "" {
			if s := c.StatusByName(ev.StatusAPIName); s != nil {
				ev.StatusID = s.ID
			}
		}
	case SourceSalesforceWorkAccepted:
		if ev.ServiceChannel == "" {
			ev.ServiceChannel = c.ChannelForWorkItem(ev.WorkItemID)
		}
	}
}
