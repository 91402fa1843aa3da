package rules

// Event is one platform change, in the canonical shape of DESIGN.md.
type Event struct {
	Type Source `json:"type"`
	// Connect Agent State Change
	OldState string `json:"oldState,omitempty"`
	NewState string `json:"newState,omitempty"`
	// StateType is the type Streams gives the new state: routable, not_routable,
	// offline, system or error ("" when the event does not say).
	StateType string `json:"stateType,omitempty"`
	// Contacts are the agent's contacts (agent.getContacts()) when the event
	// carries them (HasContacts); an event without them leaves what is known.
	Contacts    []Contact `json:"contacts,omitempty"`
	HasContacts bool      `json:"-"`
	// NextState is the state queued in Connect (the snapshot's nextState), ""
	// when none; HasNextState says whether the event carries it at all.
	NextState    string `json:"nextState,omitempty"`
	HasNextState bool   `json:"-"`
	// RoutingProfile is the agent's routing profile name ("" when not carried).
	RoutingProfile string `json:"routingProfile,omitempty"`
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
	// Winter '24 interruptible capacity (Omni-Channel), when the payload has it.
	ConfiguredInterruptibleCapacity OptNum `json:"configuredInterruptibleCapacity,omitzero"`
	PreviousInterruptibleWorkload   OptNum `json:"previousInterruptibleWorkload,omitzero"`
	NewInterruptibleWorkload        OptNum `json:"newInterruptibleWorkload,omitzero"`
}

// Contact is one of the agent's contacts as Streams reports it: its channel
// ("voice", "queue_callback", "chat", "task", ...) and its state ("connecting",
// "connected", "ended", "error", ...).
type Contact struct {
	Type  string `json:"type"`
	State string `json:"state"`
}

// maxContacts bounds the contacts an event may carry (an agent has a handful).
const maxContacts = 64

// maxFieldLen bounds any string in an event: platform names are short, and a
// huge string is hostile input.
const maxFieldLen = 4096

// DecodeEvent reads an event. A field that cannot be read as its documented
// type, or a missing or unknown type, is an invalid-event error naming the
// field; a missing optional field is not an error; unknown fields are ignored.
func DecodeEvent(data []byte) (Event, error) {
	n, jerr := parseJSON(data)
	if jerr != nil {
		return Event{}, invalidEvent("", "the event is not valid JSON: "+jerr.Error())
	}
	return eventFromNode(n)
}

var eventStringFields = [...]string{"oldState", "newState", "statusId", "statusApiName", "statusName",
	"reason", "workItemId", "workId", "serviceChannel", "stateType", "routingProfile"}

var eventNumberFields = [...]string{"configuredCapacity", "previousWorkload", "newWorkload",
	"configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"}

// isWorkload: a workload field (Semantics 14: never negative; a capacity of
// 0 or less only makes its percentages unavailable).
func isWorkload(name string) bool {
	return name != "configuredCapacity" && name != "configuredInterruptibleCapacity"
}

func eventFromNode(n *jnode) (Event, error) {
	var ev Event
	if n == nil {
		return ev, invalidEvent("event", "the input has no event")
	}
	if n.kind != jObject {
		return ev, invalidEvent("", "an event must be a JSON object, got "+n.kindName())
	}
	t := n.get("type")
	if t.absent() {
		return ev, invalidEvent("type", "the event has no type; allowed: "+joinQuoted(sourceLabels[1:]))
	}
	if t.kind != jString {
		return ev, invalidEvent("type", "type must be a string, got "+t.kindName())
	}
	if err := ev.Type.UnmarshalText([]byte(t.str)); err != nil {
		return ev, invalidEvent("type", err.Error())
	}
	strs := [...]*string{&ev.OldState, &ev.NewState, &ev.StatusID, &ev.StatusAPIName, &ev.StatusName,
		&ev.Reason, &ev.WorkItemID, &ev.WorkID, &ev.ServiceChannel, &ev.StateType, &ev.RoutingProfile}
	for i, name := range eventStringFields {
		f := n.get(name)
		v, ok := f.text()
		if !ok {
			return ev, invalidEvent(name, name+" must be a string, got "+f.kindName())
		}
		if len(v) > maxFieldLen {
			return ev, invalidEvent(name, name+" is too long ("+itoa(len(v))+" bytes; at most "+itoa(maxFieldLen)+")")
		}
		*strs[i] = v
	}
	nums := [...]*OptNum{&ev.ConfiguredCapacity, &ev.PreviousWorkload, &ev.NewWorkload,
		&ev.ConfiguredInterruptibleCapacity, &ev.PreviousInterruptibleWorkload, &ev.NewInterruptibleWorkload}
	for i, name := range eventNumberFields {
		v, err := n.get(name).number()
		if err != nil {
			return ev, invalidEvent(name, name+": "+err.Error())
		}
		if v.OK && v.V < 0 && isWorkload(name) {
			return ev, invalidEvent(name, name+" is "+n.get(name).numText()+": a workload is never negative")
		}
		*nums[i] = v
	}
	if f := n.get("nextState"); f != nil {
		v, ok := f.text()
		if !ok {
			return ev, invalidEvent("nextState", "nextState must be a string (the state queued in Connect, \"\" for none), got "+f.kindName())
		}
		if len(v) > maxFieldLen {
			return ev, invalidEvent("nextState", "nextState is too long ("+itoa(len(v))+" bytes; at most "+itoa(maxFieldLen)+")")
		}
		ev.NextState, ev.HasNextState = v, true
	}
	if f := n.get("contacts"); !f.absent() {
		cs, err := contactsFromNode(f, "contacts")
		if err != nil {
			return ev, err
		}
		ev.Contacts, ev.HasContacts = cs, true
	}
	if ev.Type == SourceConnectStateChange && ev.NewState == "" {
		return ev, invalidEvent("newState", "a Connect Agent State Change needs newState, the state the agent is now in")
	}
	return ev, nil
}

// contactsFromNode reads a contacts array: [{"type": "voice", "state": "connected"}, ...];
// path locates it in errors ("contacts", "connect.contacts").
func contactsFromNode(f *jnode, path string) ([]Contact, *Error) {
	if f.kind != jArray {
		return nil, invalidEvent(path, path+" must be an array of {type, state}, got "+f.kindName())
	}
	if len(f.vals) > maxContacts {
		return nil, invalidEvent(path, path+" has "+itoa(len(f.vals))+" entries; at most "+itoa(maxContacts))
	}
	cs := make([]Contact, 0, len(f.vals))
	for i, el := range f.vals {
		field := path + "[" + itoa(i) + "]"
		if el.kind != jObject {
			return nil, invalidEvent(field, field+" must be an object {type, state}, got "+el.kindName())
		}
		var c Contact
		for _, m := range [...]struct {
			key string
			dst *string
		}{{"type", &c.Type}, {"state", &c.State}} {
			g := el.get(m.key)
			v, ok := g.text()
			if !ok {
				return nil, invalidEvent(field+"."+m.key, field+"."+m.key+" must be a string, got "+g.kindName())
			}
			if len(v) > maxFieldLen {
				return nil, invalidEvent(field+"."+m.key, field+"."+m.key+" is too long")
			}
			*m.dst = v
		}
		cs = append(cs, c)
	}
	return cs, nil
}

const malformedEvent = "ignored a malformed event: "

func invalidEvent(field, msg string) *Error {
	return &Error{Code: CodeInvalidEvent, Field: field, Message: malformedEvent + msg}
}

// Snapshot is what the engine knows of both systems when an event arrives.
type Snapshot struct {
	ConnectState         string `json:"connectState"`
	ConnectPreviousState string `json:"connectPreviousState,omitempty"`
	// ConnectStateType is the type of the current state as Streams reports it.
	ConnectStateType string `json:"connectStateType,omitempty"`
	// ConnectNextState is the state queued in Connect (Streams' nextState, or
	// a state this engine sent with enqueueNextState), applied when the contact ends.
	ConnectNextState string `json:"connectNextState,omitempty"`
	// ConnectContacts are the agent's contacts as last reported; ConnectContactsKnown
	// says whether any event has reported them (else "on a contact" is read from
	// the state name, Semantics 12).
	ConnectContacts       []Contact `json:"connectContacts,omitempty"`
	ConnectContactsKnown  bool      `json:"-"`
	ConnectRoutingProfile string    `json:"connectRoutingProfile,omitempty"`
	SalesforceStatus      string    `json:"salesforceStatus"` // DeveloperName; "Offline" while logged out
	SalesforceStatusID    string    `json:"salesforceStatusId,omitempty"`
	ConfiguredCapacity    OptNum    `json:"configuredCapacity,omitzero"`
	PreviousWorkload      OptNum    `json:"previousWorkload,omitzero"`
	Workload              OptNum    `json:"workload,omitzero"`
	// Winter '24 interruptible capacity.
	ConfiguredInterruptibleCapacity OptNum `json:"configuredInterruptibleCapacity,omitzero"`
	PreviousInterruptibleWorkload   OptNum `json:"previousInterruptibleWorkload,omitzero"`
	InterruptibleWorkload           OptNum `json:"interruptibleWorkload,omitzero"`
	ServiceChannel                  string `json:"serviceChannel,omitempty"` // of the last work accepted
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
// 3-character key prefix. Prefixes compare case-sensitively, like the
// 15-character Ids they begin: "00e" (Profile) and "00E" (UserRole) are
// different objects. Sources: SOAP API Developer Guide, "Field Types", ID
// (15-character Ids are case-sensitive; the 18-character form adds a
// case-insensitive suffix, its first 15 characters being the same Id);
// Salesforce Help 000385203 (the key prefix is an Id's first three characters).
func (c *Catalog) ChannelForWorkItem(workItemID string) string {
	if len(workItemID) < 3 {
		return ""
	}
	p := workItemID[:3]
	for _, ch := range c.Salesforce.ServiceChannels {
		if ch.KeyPrefix == p {
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
