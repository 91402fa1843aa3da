package rules

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Semantics 12: on a contact is at least one live contact of any channel,
// once contacts are reported; before that, the state's name.
func TestOnContact(t *testing.T) {
	for _, tc := range []struct {
		name     string
		state    string
		contacts []Contact
		known    bool
		want     bool
	}{
		{"no contacts reported: Busy by name", "Busy", nil, false, true},
		{"no contacts reported: Available by name", "Available", nil, false, false},
		{"no contacts reported: MissedCallAgent is not a contact state", "MissedCallAgent", nil, false, false},
		{"a chat while Available", "Available", []Contact{{"chat", "connected"}}, true, true},
		{"a task while Available", "Available", []Contact{{"task", "connected"}}, true, true},
		{"monitoring", "Available", []Contact{{"monitoring", "connected"}}, true, true},
		{"a queued callback offered", "Pending", []Contact{{"queue_callback", "incoming"}}, true, true},
		{"After Call Work: the contact has ended but is there", "AfterCallWork", []Contact{{"voice", "ended"}}, true, true},
		{"no contact left, whatever the state's name", "Busy", []Contact{}, true, false},
		{"a missed contact is not one the agent is on", "MissedCallAgent", []Contact{{"voice", "missed"}}, true, false},
		{"rejected and error contacts neither", "Available", []Contact{{"voice", "rejected"}, {"chat", "error"}}, true, false},
		{"one of several left", "Busy", []Contact{{"voice", "missed"}, {"chat", "connected"}}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, OnContact(tc.state, tc.contacts, tc.known))
		})
	}
}

// contactEv is a Connect change with the contacts Streams reports.
func contactEv(old, new, typ string, contacts ...Contact) Event {
	if contacts == nil {
		contacts = []Contact{}
	}
	return Event{Type: SourceConnectStateChange, OldState: old, NewState: new, StateType: typ, Contacts: contacts, HasContacts: true}
}

// Semantics 12: a deferred routable write, when the contact ends in a given
// state: issued, skipped, or superseded only by the agent's newer choice.
func TestDeferredWriteWhenTheContactEnds(t *testing.T) {
	voice := Contact{"voice", "connected"}
	for _, tc := range []struct {
		name   string
		before string // the state the contact began in
		end    Event
		want   ActionStatus
	}{
		{"ends in the state Connect restores (outbound from Training)", "Training", contactEv("AfterCallWork", "Training", "not_routable"), StatusIssued},
		{"ends in an error state (a missed call)", "Available", contactEv("PendingBusy", "MissedCallAgent", "error", Contact{"voice", "missed"}), StatusIssued},
		{"ends in an error state, type told from the name", "Available", Event{Type: SourceConnectStateChange, OldState: "PendingBusy", NewState: "FailedConnectAgent", HasContacts: true}, StatusIssued},
		{"ends in a routable state", "Lunch", contactEv("AfterCallWork", "Available", "routable"), StatusIssued},
		{"ends in another not-routable state: the agent chose it", "Training", contactEv("AfterCallWork", "Break", "not_routable"), StatusSuperseded},
		{"ends offline: the agent chose it", "Training", contactEv("AfterCallWork", "Offline", "offline"), StatusSuperseded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			co := fxCoord(t, nil, fxOmniToConnect("Available", "Outbound"), fxOmniToConnect("Lunch", "Lunch"))
			co.HandleEvent(0, contactEv("Available", tc.before, ""))
			co.HandleEvent(1, contactEv(tc.before, "Busy", "system", voice))
			out := co.HandleEvent(2, omniEv("Available", "OmniManualStatusChange"))
			require.Equal(t, []string{"Outbound:deferred"}, fxStatuses(out))
			assert.Contains(t, out.Actions[0].Reason, "on a contact (voice connected)")
			out = co.HandleEvent(3, tc.end)
			require.Len(t, out.Actions, 1, "%v", fxStatuses(out))
			assert.Equal(t, tc.want, out.Actions[0].Status, out.Actions[0].Reason)
			if tc.want == StatusIssued {
				require.Len(t, out.Commands, 1)
				assert.False(t, out.Commands[0].EnqueueNextState)
			}
		})
	}
	t.Run("ends in the target itself", func(t *testing.T) {
		co := fxCoord(t, nil, fxOmniToConnect("Available", "Available"))
		co.HandleEvent(1, contactEv("Available", "Busy", "system", voice))
		co.HandleEvent(2, omniEv("Available", "OmniManualStatusChange"))
		out := co.HandleEvent(3, contactEv("Busy", "Available", "routable"))
		assert.Equal(t, []string{"Available:skipped"}, fxStatuses(out))
	})
	t.Run("a next state the agent queued before the write is older than it", func(t *testing.T) {
		co := fxCoord(t, nil, fxOmniToConnect("Available", "Outbound"))
		co.HandleEvent(1, contactEv("Available", "Busy", "system", voice))
		co.HandleConnect(2, ConnectReport{NextState: "Break", HasNextState: true})
		out := co.HandleEvent(3, omniEv("Available", "OmniManualStatusChange"))
		require.Equal(t, []string{"Outbound:deferred"}, fxStatuses(out))
		out = co.HandleEvent(4, contactEv("Busy", "Break", "not_routable"))
		assert.Equal(t, []string{"Outbound:issued"}, fxStatuses(out))
	})
	t.Run("a next state the agent queues after the write supersedes it at once", func(t *testing.T) {
		co := fxCoord(t, nil, fxOmniToConnect("Available", "Outbound"))
		co.HandleEvent(1, contactEv("Available", "Busy", "system", voice))
		co.HandleEvent(2, omniEv("Available", "OmniManualStatusChange"))
		out := co.HandleConnect(3, ConnectReport{NextState: "Break", HasNextState: true})
		assert.Equal(t, []string{"Outbound:superseded"}, fxStatuses(out))
		assert.Contains(t, out.Actions[0].Reason, `queued "Break"`)
		out = co.HandleEvent(4, contactEv("Busy", "Break", "not_routable"))
		assert.Empty(t, out.Actions)
	})
	t.Run("a contact that ends without a state change (a blended chat)", func(t *testing.T) {
		co := fxCoord(t, nil, fxOmniToConnect("Available", "Outbound"))
		co.HandleConnect(1, ConnectReport{Contacts: []Contact{{"chat", "connected"}}, HasContacts: true})
		out := co.HandleEvent(2, omniEv("Available", "OmniManualStatusChange"))
		require.Equal(t, []string{"Outbound:deferred"}, fxStatuses(out), "Available with a chat is on a contact")
		out = co.HandleConnect(3, ConnectReport{Contacts: []Contact{}, HasContacts: true})
		assert.Equal(t, []string{"Outbound:issued"}, fxStatuses(out))
		out = co.HandleConnect(4, ConnectReport{Contacts: []Contact{}, HasContacts: true})
		assert.Empty(t, out.Actions, "an end reported twice")
		assert.Empty(t, out.Commands)
	})
}

// What Streams reports again unchanged changes nothing: the shim's filter of
// unchanged facts (js/src/connect.js) saves crossings, never a decision.
func TestConnectReportRepeatedChangesNothing(t *testing.T) {
	states := []ConnectState{{Name: "Available", Type: "routable"}, {Name: "Lunch", Type: "not_routable"},
		{Name: "Outbound", Type: "routable"}, {Name: "Offline", Type: "offline"}}
	full := func(contacts []Contact, next string) ConnectReport {
		return ConnectReport{StateType: "not_routable", Contacts: contacts, HasContacts: true, NextState: next,
			HasNextState: true, RoutingProfile: "Blended", States: states, HasStates: true}
	}
	for _, tc := range []struct {
		name   string
		setup  func(co *Coordinator)
		report ConnectReport
	}{
		{"no contact, no next state", func(*Coordinator) {}, full([]Contact{}, "")},
		{"a chat open, a write deferred until it ends", func(co *Coordinator) {
			co.HandleConnect(1, full([]Contact{{"chat", "connected"}}, ""))
			require.Equal(t, []string{"Outbound:deferred"}, fxStatuses(co.HandleEvent(2, omniEv("Available", "OmniManualStatusChange"))))
		}, full([]Contact{{"chat", "connected"}}, "")},
		{"on a call, the engine's write enqueued as the next state", func(co *Coordinator) {
			co.HandleEvent(1, contactEv("Available", "Busy", "system", Contact{"voice", "connected"}))
			out := co.HandleEvent(2, omniEv("Lunch", "OmniManualStatusChange"))
			require.Len(t, out.Commands, 1)
			co.HandleResult(3, out.Commands[0].ID, true, "", "")
		}, full([]Contact{{"voice", "connected"}}, "Lunch")},
		{"on a call, a next state the agent queued", func(co *Coordinator) {
			co.HandleEvent(1, contactEv("Available", "Busy", "system", Contact{"voice", "connected"}))
		}, full([]Contact{{"voice", "connected"}}, "Outbound")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Training is not among the states reported: the catalog check has something to say, once.
			co := fxCoord(t, nil, fxOmniToConnect("Available", "Outbound"), fxOmniToConnect("Lunch", "Lunch"),
				fxOmniToConnect("Training", "Training"))
			tc.setup(co)
			first := co.HandleConnect(10, tc.report)
			if tc.name != "a chat open, a write deferred until it ends" { // its setup reported the states already
				require.Len(t, first.Errors, 1)
				assert.Contains(t, first.Errors[0].Message, `targets "Training"`)
			}
			before := co.Snapshot()
			out := co.HandleConnect(11, tc.report)
			assert.Empty(t, out.Decisions)
			assert.Empty(t, out.Actions)
			assert.Empty(t, out.Commands)
			assert.Empty(t, out.Errors)
			assert.Equal(t, before, co.Snapshot())
		})
	}
}

// Semantics 12 and 19 for writes sent as the next state.
func TestEnqueuedWrites(t *testing.T) {
	voice := Contact{"voice", "connected"}
	onCall := func(t *testing.T) (*Coordinator, Command) {
		co := fxCoord(t, nil, fxOmniToConnect("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"))
		co.HandleEvent(1, contactEv("Available", "Busy", "system", voice))
		out := co.HandleEvent(2, omniEv("Lunch", "OmniManualStatusChange"))
		require.Len(t, out.Commands, 1)
		require.True(t, out.Commands[0].EnqueueNextState)
		return co, out.Commands[0]
	}
	t.Run("Streams reporting our own next state changes nothing", func(t *testing.T) {
		co, cmd := onCall(t)
		out := co.HandleConnect(3, ConnectReport{NextState: "Lunch", HasNextState: true})
		assert.Empty(t, out.Actions, "reported before the write's answer")
		out = co.HandleResult(4, cmd.ID, true, "", "")
		assert.Equal(t, []string{"Lunch:enqueued"}, fxStatuses(out))
		out = co.HandleConnect(5, ConnectReport{NextState: "Lunch", HasNextState: true})
		assert.Empty(t, out.Actions)
	})
	t.Run("cleared without becoming the state: superseded", func(t *testing.T) {
		co, cmd := onCall(t)
		co.HandleResult(3, cmd.ID, true, "", "")
		out := co.HandleConnect(4, ConnectReport{NextState: "", HasNextState: true})
		assert.Equal(t, []string{"Lunch:superseded"}, fxStatuses(out))
		assert.Equal(t, reasonNextStateCleared, out.Actions[0].Reason)
		assert.Equal(t, "", co.Snapshot().ConnectNextState)
	})
	t.Run("replaced by one the agent queued", func(t *testing.T) {
		co, cmd := onCall(t)
		co.HandleResult(3, cmd.ID, true, "", "")
		out := co.HandleConnect(4, ConnectReport{NextState: "Break", HasNextState: true})
		assert.Equal(t, []string{"Lunch:superseded"}, fxStatuses(out))
		out = co.HandleEvent(5, omniEv("Break", "OmniManualStatusChange"))
		assert.Empty(t, out.Commands, `"Break" is already the next state`)
		assert.Equal(t, []string{"Break:skipped"}, fxStatuses(out))
	})
	t.Run("the contact ends in it: applied, an echo", func(t *testing.T) {
		co, cmd := onCall(t)
		co.HandleResult(3, cmd.ID, true, "", "")
		out := co.HandleEvent(60000, Event{Type: SourceConnectStateChange, OldState: "AfterCallWork", NewState: "Lunch",
			HasContacts: true, Contacts: []Contact{}, HasNextState: true})
		assert.True(t, out.Decisions[0].Echo)
		assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))
	})
	t.Run("the contact ends elsewhere: superseded", func(t *testing.T) {
		co, cmd := onCall(t)
		co.HandleResult(3, cmd.ID, true, "", "")
		out := co.HandleEvent(4, contactEv("AfterCallWork", "Training", "not_routable"))
		assert.Equal(t, []string{"Lunch:superseded"}, fxStatuses(out))
		assert.Contains(t, out.Actions[0].Reason, `ended in "Training" instead`)
	})
	t.Run("several contacts: still on one after the voice call", func(t *testing.T) {
		co := fxCoord(t, nil, fxOmniToConnect("Lunch", "Lunch"))
		co.HandleEvent(1, contactEv("Available", "Busy", "system", voice, Contact{"chat", "connected"}))
		co.HandleEvent(2, contactEv("Busy", "Available", "routable", Contact{"chat", "connected"}))
		out := co.HandleEvent(3, omniEv("Lunch", "OmniManualStatusChange"))
		require.Len(t, out.Commands, 1)
		assert.True(t, out.Commands[0].EnqueueNextState, "a chat is still open")
	})
}

// The snapshot a decision saw does not change when later events report
// other contacts.
func TestDecisionSnapshotKeepsItsContacts(t *testing.T) {
	co := fxCoord(t, nil)
	first := co.HandleEvent(1, contactEv("Available", "Busy", "system", Contact{"voice", "connected"}))
	co.HandleEvent(2, contactEv("Busy", "AfterCallWork", "system", Contact{"chat", "connected"}))
	second := co.HandleEvent(3, contactEv("AfterCallWork", "Available", "routable", Contact{"task", "connected"}))
	assert.Equal(t, []Contact{{"chat", "connected"}}, second.Decisions[0].Snapshot.ConnectContacts)
	assert.Empty(t, first.Decisions[0].Snapshot.ConnectContacts, "no contact before the first event")
	assert.Equal(t, []Contact{{"voice", "connected"}}, first.Decisions[0].Event.Contacts)
}

// Semantics 12: on a contact a not-routable (or offline) target is sent with
// enqueueNextState; a routable one is deferred until the contact ends.
func TestCoordinatorOnContact(t *testing.T) {
	rules := []fxRule{fxOmniToConnect("Lunch", "Lunch"), fxOmniToConnect("Available", "Available"),
		fxOmniToConnect("Break", "Offline"), fxOmniToConnect("Training", "Outbound")}
	onCall := func(t *testing.T, contactState string) *Coordinator {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(0, connectEv("Available", contactState))
		require.Empty(t, out.Commands)
		return co
	}
	t.Run("not routable: enqueueNextState", func(t *testing.T) {
		for _, st := range []string{"Busy", "Pending", "PendingBusy", "CallingCustomer", "AfterCallWork", "Dialing", "Joining", "PendingAvailable"} {
			co := onCall(t, st)
			out := co.HandleEvent(10, omniEv("Lunch", "OmniManualStatusChange"))
			require.Len(t, out.Commands, 1, st)
			assert.True(t, out.Commands[0].EnqueueNextState, st)
			assert.Equal(t, "Lunch", out.Commands[0].Value)
			out = co.HandleResult(20, out.Commands[0].ID, true, "", "")
			assert.Equal(t, []string{"Lunch:enqueued"}, fxStatuses(out))
			assert.Equal(t, "Lunch", co.Snapshot().ConnectNextState)
			assert.Equal(t, st, co.Snapshot().ConnectState)
		}
	})
	t.Run("offline target: enqueueNextState", func(t *testing.T) {
		co := onCall(t, "Busy")
		out := co.HandleEvent(10, omniEv("Break", "OmniManualStatusChange"))
		require.Len(t, out.Commands, 1)
		assert.True(t, out.Commands[0].EnqueueNextState)
		assert.Equal(t, "Offline", out.Commands[0].Value)
	})
	t.Run("enqueued state applied when the contact ends is an echo", func(t *testing.T) {
		co := onCall(t, "AfterCallWork")
		out := co.HandleEvent(10, omniEv("Lunch", "OmniManualStatusChange"))
		co.HandleResult(20, out.Commands[0].ID, true, "", "")
		out = co.HandleEvent(60000, connectEv("AfterCallWork", "Lunch"))
		require.Len(t, out.Decisions, 1)
		assert.True(t, out.Decisions[0].Echo, "long after the echo window: enqueued writes echo when the contact ends")
		assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))
		assert.Equal(t, "", co.Snapshot().ConnectNextState)
	})
	t.Run("routable: deferred until the contact ends", func(t *testing.T) {
		co := onCall(t, "Busy")
		out := co.HandleEvent(10, omniEv("Training", "OmniManualStatusChange"))
		assert.Empty(t, out.Commands)
		assert.Equal(t, []string{"Outbound:deferred"}, fxStatuses(out))
		assert.Contains(t, out.Actions[0].Reason, "on a contact (Busy)")
		out = co.HandleEvent(20, connectEv("Busy", "AfterCallWork"))
		assert.Empty(t, out.Commands, "after-call work is still on the contact")
		out = co.HandleEvent(30, connectEv("AfterCallWork", "Available"))
		require.Len(t, out.Commands, 1, "the contact ended: the deferred write is issued")
		assert.Equal(t, "Outbound", out.Commands[0].Value)
		assert.False(t, out.Commands[0].EnqueueNextState)
		assert.Equal(t, []string{"Outbound:issued"}, fxStatuses(out))
	})
	t.Run("deferred write superseded when the contact ends in a state the agent chose", func(t *testing.T) {
		co := onCall(t, "Busy")
		co.HandleEvent(10, omniEv("Training", "OmniManualStatusChange"))
		out := co.HandleEvent(30, connectEv("Busy", "Break"))
		assert.Empty(t, out.Commands)
		assert.Equal(t, []string{"Outbound:superseded"}, fxStatuses(out))
	})
	t.Run("deferred write skipped when the contact ends in its target", func(t *testing.T) {
		co := onCall(t, "Busy")
		co.HandleEvent(10, omniEv("Available", "OmniManualStatusChange"))
		out := co.HandleEvent(20, connectEv("Busy", "Available"))
		assert.Empty(t, out.Commands)
		assert.Equal(t, []string{"Available:skipped"}, fxStatuses(out))
	})
	t.Run("a later not-routable target supersedes the deferred one", func(t *testing.T) {
		co := onCall(t, "Busy")
		co.HandleEvent(10, omniEv("Available", "OmniManualStatusChange"))
		out := co.HandleEvent(20, omniEv("Lunch", "OmniManualStatusChange"))
		assert.Equal(t, []string{"Available:superseded", "Lunch:issued"}, fxStatuses(out))
		require.Len(t, out.Commands, 1)
		assert.True(t, out.Commands[0].EnqueueNextState)
	})
	t.Run("off a contact enqueueNextState is false", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(10, omniEv("Lunch", "OmniManualStatusChange"))
		require.Len(t, out.Commands, 1)
		assert.False(t, out.Commands[0].EnqueueNextState)
		b, _ := json.Marshal(out.Commands[0])
		assert.NotContains(t, string(b), "enqueueNextState", "omitted off a contact")
	})
}
