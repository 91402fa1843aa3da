package rules

import "strings"

// Reading the session's inputs (wasm/BRIDGE.md "Inputs"). Every field is
// checked: a field that cannot be read as its documented type is an
// invalid-event error naming it by its path (connect.contacts[0].type), and
// the input is skipped; a missing optional field is not an error.

// maxCatalog bounds the entries of a catalog in an input.
const maxCatalog = 10000

// maxNow bounds `now`: milliseconds since 1970, well past year 2200.
const maxNow = 9e15

// invalidInput and stringField are not inlined: they are called from every
// input's many error paths, and each inlined copy weighs on the module.
//
//go:noinline
func invalidInput(op, field, msg string) *Error {
	return &Error{Code: CodeInvalidEvent, Field: field, Message: "ignored a malformed " + op + " input: " + msg}
}

// nowFrom reads `now`: the clock's time with AppendHandleAt, else the input's
// `now`; absent, the last time seen; the time never goes back.
func (s *Session) nowFrom(in *jnode) (int64, *Error) {
	var t int64
	if s.clocked {
		t = s.clock
	} else {
		v := in.get("now")
		if v.absent() {
			return s.lastNow, nil
		}
		n, err := v.number()
		if err != nil || !n.OK || n.V < 0 || n.V > maxNow {
			return 0, invalidInput("", "now", "now must be the time in milliseconds since 1970 (a number from 0 to 9e15), got "+describeNode(v))
		}
		t = int64(n.V)
	}
	if t < s.lastNow {
		t = s.lastNow
	}
	s.lastNow = t
	return t, nil
}

// stringField reads an optional string member (present: whether it is there,
// null counting as "").
//
//go:noinline
func stringField(n *jnode, key, op, path string) (v string, present bool, e *Error) {
	f := n.get(key)
	if f == nil {
		return "", false, nil
	}
	v, ok := f.text()
	if !ok {
		return "", false, invalidInput(op, path+key, path+key+" must be a string, got "+f.kindName())
	}
	if len(v) > maxFieldLen {
		return "", false, invalidInput(op, path+key, path+key+" is too long ("+itoa(len(v))+" bytes; at most "+itoa(maxFieldLen)+")")
	}
	return v, true, nil
}

// records reads an optional array of objects (a catalog): for each, its
// string members named by keys, in that order; keys[0] must not be empty
// (need says why). has: the array was there.
func records(n *jnode, key, op, path, shape, need string, keys ...string) (rows [][]string, has bool, e *Error) {
	f := n.get(key)
	if f.absent() {
		return nil, false, nil
	}
	if f.kind != jArray {
		return nil, false, invalidInput(op, path+key, path+key+" must be an array of "+shape+", got "+f.kindName())
	}
	if len(f.vals) > maxCatalog {
		return nil, false, invalidInput(op, path+key, path+key+" has "+itoa(len(f.vals))+" entries; at most "+itoa(maxCatalog))
	}
	rows = make([][]string, len(f.vals))
	for i, v := range f.vals {
		at := path + key + "[" + itoa(i) + "]"
		if v.kind != jObject {
			return nil, false, invalidInput(op, at, at+" must be an object "+shape+", got "+v.kindName())
		}
		rows[i] = make([]string, len(keys))
		for k, name := range keys {
			if rows[i][k], _, e = stringField(v, name, op, at+"."); e != nil {
				return nil, false, e
			}
		}
		if rows[i][0] == "" {
			return nil, false, invalidInput(op, at+"."+keys[0], at+"."+keys[0]+" is missing: "+need)
		}
	}
	return rows, true, nil
}

// connectReport reads what Streams reports: {state?, stateType?, contacts?,
// nextState?, routingProfile?, states?}. path is where it sits ("connect.").
func connectReport(n *jnode, op, path string) (ConnectReport, *Error) {
	var r ConnectReport
	if n.kind != jObject {
		return r, invalidInput(op, path[:len(path)-1], path[:len(path)-1]+" must be an object, got "+n.kindName())
	}
	var e *Error
	if r.State, r.HasState, e = stringField(n, "state", op, path); e != nil {
		return r, e
	}
	if r.StateType, _, e = stringField(n, "stateType", op, path); e != nil {
		return r, e
	}
	if r.NextState, r.HasNextState, e = stringField(n, "nextState", op, path); e != nil {
		return r, e
	}
	if r.RoutingProfile, _, e = stringField(n, "routingProfile", op, path); e != nil {
		return r, e
	}
	if f := n.get("contacts"); !f.absent() {
		cs, err := contactsFromNode(f, path+"contacts")
		if err != nil {
			return r, invalidInput(op, err.Field, strings.TrimPrefix(err.Message, malformedEvent))
		}
		r.Contacts, r.HasContacts = cs, true
	}
	rows, has, e := records(n, "states", op, path, "{name, type}", "an agent state needs its name", "name", "type", "agentStateARN")
	if e != nil {
		return r, e
	}
	if r.HasStates = has; has {
		r.States = make([]ConnectState, len(rows))
		for i, row := range rows {
			r.States[i] = ConnectState{Name: row[0], Type: row[1], ARN: row[2]}
		}
	}
	return r, nil
}

// salesforceReport reads what Omni-Channel reports: {status?: {statusId,
// statusApiName?, statusName?} | null (logged out), statuses?,
// serviceChannels?, configuredCapacity?, workload?}.
func salesforceReport(n *jnode, op, path string) (SalesforceReport, *Error) {
	var r SalesforceReport
	if n.kind != jObject {
		return r, invalidInput(op, path[:len(path)-1], path[:len(path)-1]+" must be an object, got "+n.kindName())
	}
	var e *Error
	if st := n.get("status"); st != nil {
		r.HasStatus = true
		switch {
		case st.kind == jNull:
			r.LoggedOut = true
		case st.kind != jObject:
			return r, invalidInput(op, path+"status", path+"status must be {statusId, statusApiName, statusName}, or null when logged out; got "+st.kindName())
		default:
			at := path + "status."
			if r.StatusID, _, e = stringField(st, "statusId", op, at); e != nil {
				return r, e
			}
			if r.StatusAPIName, _, e = stringField(st, "statusApiName", op, at); e != nil {
				return r, e
			}
			if r.StatusName, _, e = stringField(st, "statusName", op, at); e != nil {
				return r, e
			}
			if r.StatusID == "" && r.StatusAPIName == "" {
				return r, invalidInput(op, at+"statusId", path+"status has neither statusId nor statusApiName (null means logged out)")
			}
		}
	}
	rows, has, e := records(n, "statuses", op, path, "{id, developerName, label}", "a presence status needs its DeveloperName", "developerName", "id", "label")
	if e != nil {
		return r, e
	}
	if r.HasStatuses = has; has {
		r.Statuses = make([]SalesforceStatus, len(rows))
		for i, row := range rows {
			r.Statuses[i] = SalesforceStatus{DeveloperName: row[0], ID: row[1], Label: row[2]}
		}
	}
	rows, has, e = records(n, "serviceChannels", op, path, "{developerName, keyPrefix}", "a service channel needs its DeveloperName", "developerName", "keyPrefix")
	if e != nil {
		return r, e
	}
	if r.HasServiceChannels = has; has {
		r.ServiceChannels = make([]ServiceChannel, len(rows))
		for i, row := range rows {
			r.ServiceChannels[i] = ServiceChannel{DeveloperName: row[0], KeyPrefix: row[1]}
		}
	}
	for _, f := range [...]struct {
		key string
		dst *OptNum
	}{{"configuredCapacity", &r.ConfiguredCapacity}, {"workload", &r.Workload}} {
		v, err := n.get(f.key).number()
		if err != nil {
			return r, invalidInput(op, path+f.key, path+f.key+": "+err.Error())
		}
		*f.dst = v
	}
	return r, nil
}

// startInput reads a start input: {connect, salesforce?}. salesforce absent:
// the Omni-Channel side is not read yet.
func startInput(in *jnode) (State, *Catalog, *Error) {
	var st State
	live := &Catalog{}
	if cn := in.get("connect"); !cn.absent() {
		r, e := connectReport(cn, "start", "connect.")
		if e != nil {
			return st, nil, e
		}
		st.ConnectState, st.ConnectStateType = r.State, r.StateType
		if r.HasContacts {
			st.ConnectContacts = r.Contacts
		}
		st.ConnectNextState, st.ConnectRoutingProfile = r.NextState, r.RoutingProfile
		live.Connect.States = r.States
	}
	sf := in.get("salesforce")
	if sf.absent() {
		st.SalesforceNotRead = true
		return st, live, nil
	}
	r, e := salesforceReport(sf, "start", "salesforce.")
	if e != nil {
		return st, nil, e
	}
	switch {
	case r.LoggedOut:
		st.SalesforceStatus = OfflineStatus
	case r.HasStatus:
		st.SalesforceStatus, st.SalesforceStatusID = r.StatusAPIName, r.StatusID
	}
	st.ConfiguredCapacity, st.Workload = r.ConfiguredCapacity, r.Workload
	live.Salesforce = SalesforceCatalog{Statuses: r.Statuses, ServiceChannels: r.ServiceChannels}
	return st, live, nil
}

// resultInput reads a result: {id, ok, error?, state?}. A read's state is
// read as that side's report; a state that cannot be read fails the read (the
// error is reported, the result still taken); anything else malformed skips
// the input.
func (s *Session) resultInput(in *jnode) (r Result, e *Error, skip bool) {
	idn := in.get("id")
	id, err := idn.number()
	if err != nil || idn.absent() || idn.kind != jNumber || id.V != float64(int64(id.V)) || id.V < 0 || id.V > maxNow {
		return r, invalidInput("result", "id", "id must be the number of the command answered, got "+idn.kindName()), true
	}
	r.ID = int64(id.V)
	okn := in.get("ok")
	if okn == nil || okn.kind != jBool {
		return r, invalidInput("result", "ok", "ok must be true or false, got "+okn.kindName()), true
	}
	r.OK = okn.b
	if !r.OK {
		r.ErrorType, r.ErrorMessage = readPlatformError(in.get("error"))
		return r, nil, false
	}
	d, isRead := s.coord.ReadDestination(r.ID)
	if !isRead {
		return r, nil, false
	}
	st := in.get("state")
	if st.absent() {
		return r, nil, false // a read answered without its state: a failed read
	}
	if d == DestinationConnect {
		var cr ConnectReport
		if cr, e = connectReport(st, "result", "state."); e == nil {
			r.Connect = &cr
		}
	} else {
		var sr SalesforceReport
		if sr, e = salesforceReport(st, "result", "state."); e == nil {
			r.Salesforce = &sr
		}
	}
	if e != nil {
		r.OK, r.ErrorType, r.ErrorMessage = false, "Error", e.Message
	}
	return r, e, false
}

// remoteInput reads a remote input: {action, from?}.
func remoteInput(in *jnode) (RemoteAction, *Error) {
	r := RemoteAction{RuleIndex: -1}
	var e *Error
	if r.From, _, e = stringField(in, "from", "remote", ""); e != nil {
		return r, e
	}
	a := in.get("action")
	if a == nil || a.kind != jObject {
		return r, invalidInput("remote", "action", "action must be the writer tab's action object, got "+a.kindName())
	}
	idn := a.get("id")
	id, err := idn.number()
	if err != nil || idn.absent() || idn.kind != jNumber || id.V != float64(int64(id.V)) || id.V < 0 || id.V > maxNow {
		return r, invalidInput("remote", "action.id", "action.id must be the action's number, got "+idn.kindName())
	}
	r.ID = int64(id.V)
	dst, _, e := stringField(a, "destination", "remote", "action.")
	if e != nil {
		return r, e
	}
	if err := r.Destination.UnmarshalText([]byte(dst)); err != nil || r.Destination == DestinationNone {
		return r, invalidInput("remote", "action.destination", "action.destination "+quote(dst)+" is not a destination; allowed: "+joinQuoted(destinationLabels[1:]))
	}
	if r.Value, _, e = stringField(a, "value", "remote", "action."); e != nil {
		return r, e
	}
	if r.Rule, _, e = stringField(a, "rule", "remote", "action."); e != nil {
		return r, e
	}
	if v := a.get("ruleIndex"); !v.absent() {
		n, err := v.number()
		if err != nil || !n.OK || n.V != float64(int64(n.V)) || n.V < 0 || n.V > 1e9 {
			return r, invalidInput("remote", "action.ruleIndex", "action.ruleIndex must be a whole number from 0, got "+describeNode(v))
		}
		r.RuleIndex = int(n.V)
	}
	status, _, e := stringField(a, "status", "remote", "action.")
	if e != nil {
		return r, e
	}
	r.Status = ActionStatus(status)
	if !knownStatus(r.Status) {
		return r, invalidInput("remote", "action.status", "action.status "+quote(status)+" is not an action status; allowed: "+joinQuoted(actionStatuses[:]))
	}
	if v := a.get("enqueueNextState"); !v.absent() {
		if v.kind != jBool {
			return r, invalidInput("remote", "action.enqueueNextState", "action.enqueueNextState must be true or false, got "+v.kindName())
		}
		r.EnqueueNextState = v.b
	}
	return r, nil
}

var actionStatuses = [...]string{string(StatusIssued), string(StatusApplied), string(StatusRetrying), string(StatusFailed),
	string(StatusSkipped), string(StatusDeferred), string(StatusEnqueued), string(StatusSuperseded), string(StatusQueued)}

func knownStatus(s ActionStatus) bool {
	for _, k := range actionStatuses {
		if string(s) == k {
			return true
		}
	}
	return false
}

// DecodeConnectReport reads what Streams reports, in the shape of a connect
// input's connect object or a Connect read's state (the scenario runner uses it).
func DecodeConnectReport(data []byte) (ConnectReport, error) {
	n, jerr := parseJSON(data)
	if jerr != nil {
		return ConnectReport{}, invalidInput("connect", "connect", "not valid JSON: "+jerr.Error())
	}
	r, e := connectReport(n, "connect", "connect.")
	if e != nil {
		return r, e
	}
	return r, nil
}

// DecodeSalesforceReport reads what Omni-Channel reports, in the shape of a
// salesforce input's salesforce object or a Salesforce read's state.
func DecodeSalesforceReport(data []byte) (SalesforceReport, error) {
	n, jerr := parseJSON(data)
	if jerr != nil {
		return SalesforceReport{}, invalidInput("salesforce", "salesforce", "not valid JSON: "+jerr.Error())
	}
	r, e := salesforceReport(n, "salesforce", "salesforce.")
	if e != nil {
		return r, e
	}
	return r, nil
}

// DecodeRemote reads a remote input's {from?, action}.
func DecodeRemote(data []byte) (RemoteAction, error) {
	n, jerr := parseJSON(data)
	if jerr != nil {
		return RemoteAction{}, invalidInput("remote", "", "not valid JSON: "+jerr.Error())
	}
	r, e := remoteInput(n)
	if e != nil {
		return r, e
	}
	return r, nil
}
