package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Semantics 18: a rule cools down from when its write is issued (not when it
// was deferred); the trace says how long is left, event after event.
func TestCooldownBookkeeping(t *testing.T) {
	lunch := fxOmniToConnect("Available", "Available").with("cooldownMs", 10000)
	co := fxCoord(t, nil, lunch, fxOmniToConnect("Available", "Training"))
	co.HandleEvent(0, connectEv("Available", "Lunch"))
	co.HandleEvent(100, connectEv("Lunch", "Busy"))
	out := co.HandleEvent(1000, omniEv("Available", "OmniManualStatusChange"))
	require.Equal(t, []string{"Available:deferred"}, fxStatuses(out))
	out = co.HandleEvent(2000, connectEv("Busy", "Lunch"))
	require.Len(t, out.Commands, 1, "the contact ended in the state before it: issued now")
	co.HandleResult(2100, out.Commands[0].ID, true, "", "")
	for _, tc := range []struct {
		at   int64
		want Outcome
		left int32
	}{{3000, OutcomeCooling, 9000}, {11999, OutcomeCooling, 1}, {12000, OutcomeMatched, 0}} {
		out = co.HandleEvent(tc.at, omniEv("Available", "OmniManualStatusChange"))
		require.Len(t, out.Decisions, 1)
		tr := out.Decisions[0].Rules[0]
		assert.Equal(t, tc.want, tr.Outcome, "at %d", tc.at)
		assert.Equal(t, tc.left, tr.CoolLeftMs, "at %d", tc.at)
		if tc.want == OutcomeCooling {
			assert.Equal(t, "Training", out.Decisions[0].Actions[0].Value, "the next rule for the destination")
			assert.Contains(t, out.Decisions[0].Reason(0), "cooling down")
		}
		co.HandleEvent(tc.at+1, connectEv(co.Snapshot().ConnectState, "Lunch"))
	}
}
