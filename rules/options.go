package rules

import (
	"strconv"
)

// Options tune the coordinator. The zero value is not useful: start from
// DefaultOptions, or decode with ParseOptions which fills the defaults.
type Options struct {
	EchoWindowMs   int64 `json:"echoWindowMs"`   // 0 turns echo suppression off
	LoopMaxWrites  int   `json:"loopMaxWrites"`  // more than this many writes to one destination…
	LoopWindowMs   int64 `json:"loopWindowMs"`   // …within this window pauses it
	RetryAttempts  int   `json:"retryAttempts"`  // tries in all
	RetryBaseMs    int64 `json:"retryBaseMs"`    // first backoff, doubling
	WriteTimeoutMs int64 `json:"writeTimeoutMs"` // no answer in this long is a failed try
	// Trace: "full" (every rule in every decision, the default) or "matched"
	// (only the rules of the event's source).
	Trace string `json:"trace,omitempty"`
	// Reconcile: "none" (the default), "connect" or "salesforce" — the system
	// whose current state the rules are applied to when this tab becomes the
	// writer (Semantics 17).
	Reconcile string `json:"reconcile,omitempty"`
}

// DefaultOptions are the documented defaults.
func DefaultOptions() Options {
	return Options{EchoWindowMs: 5000, LoopMaxWrites: 6, LoopWindowMs: 10000, RetryAttempts: 3,
		RetryBaseMs: 250, WriteTimeoutMs: 5000, Trace: "full", Reconcile: ReconcileNone}
}

// OptionsFor are the options a session runs with: the defaults, overridden by
// the rules document's "options", overridden by the options passed to start.
func OptionsFor(doc *Document, passed []byte) (Options, error) {
	o := DefaultOptions()
	if doc != nil && len(doc.Options) > 0 {
		n, jerr := parseJSON(doc.Options)
		if jerr != nil {
			return o, &Error{Code: CodeInvalidRules, Field: "options", Message: "the rules document's options must be a JSON object: " + jerr.Error()}
		}
		var err error
		if o, err = optionsOver(o, n); err != nil {
			return o, err
		}
	}
	if len(passed) == 0 {
		return o, nil
	}
	n, jerr := parseJSON(passed)
	if jerr != nil {
		return o, &Error{Code: CodeInvalidRules, Field: "options", Message: "options must be a JSON object: " + jerr.Error()}
	}
	return optionsOver(o, n)
}

// ParseOptions reads options over the defaults. Unknown keys are ignored (the
// browser's options also carry the shim's own settings); a known key of the
// wrong type or out of range is an error naming it.
func ParseOptions(data []byte) (Options, error) {
	if len(data) == 0 {
		return DefaultOptions(), nil
	}
	n, jerr := parseJSON(data)
	if jerr != nil {
		return DefaultOptions(), &Error{Code: CodeInvalidRules, Field: "options", Message: "options must be a JSON object: " + jerr.Error()}
	}
	return optionsFromNode(n)
}

func optionsFromNode(n *jnode) (Options, error) { return optionsOver(DefaultOptions(), n) }

// optionsOver reads the options an object sets over o.
func optionsOver(o Options, n *jnode) (Options, error) {
	if n.absent() {
		return o, nil
	}
	if n.kind != jObject {
		return o, &Error{Code: CodeInvalidRules, Field: "options", Message: "options must be an object, got " + n.kindName()}
	}
	for _, f := range []struct {
		key      string
		dst      *int64
		min, max float64
	}{
		{"echoWindowMs", &o.EchoWindowMs, 0, 1e12}, {"loopWindowMs", &o.LoopWindowMs, 1, 1e12},
		{"retryBaseMs", &o.RetryBaseMs, 0, 1e9}, {"writeTimeoutMs", &o.WriteTimeoutMs, 1, 1e12},
		{"loopMaxWrites", nil, 1, 1e6}, {"retryAttempts", nil, 1, 100},
	} {
		v := n.get(f.key)
		if v.absent() {
			continue
		}
		num, err := v.number()
		if err != nil || !num.OK || num.V < f.min || num.V > f.max || num.V != float64(int64(num.V)) {
			return o, &Error{Code: CodeInvalidRules, Field: f.key, Message: "option " + f.key + " must be a whole number from " +
				strconv.FormatFloat(f.min, 'f', -1, 64) + " to " + strconv.FormatFloat(f.max, 'f', -1, 64) + ", got " + describeNode(v)}
		}
		switch f.key {
		case "loopMaxWrites":
			o.LoopMaxWrites = int(num.V)
		case "retryAttempts":
			o.RetryAttempts = int(num.V)
		default:
			*f.dst = int64(num.V)
		}
	}
	if v := n.get("trace"); !v.absent() {
		if v.kind != jString || (v.str != "full" && v.str != "matched") {
			return o, &Error{Code: CodeInvalidRules, Field: "trace", Message: `option trace must be "full" or "matched", got ` + describeNode(v)}
		}
		o.Trace = v.str
	}
	if v := n.get("reconcile"); !v.absent() {
		if v.kind != jString || (v.str != ReconcileNone && v.str != ReconcileConnect && v.str != ReconcileSalesforce) {
			return o, &Error{Code: CodeInvalidRules, Field: "reconcile", Message: `option reconcile must be "none", "connect" or "salesforce", got ` + describeNode(v)}
		}
		o.Reconcile = v.str
	}
	return o, nil
}

// describeNode renders a value for an error message.
func describeNode(n *jnode) string {
	switch n.kind {
	case jString:
		s := n.str
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return strconv.Quote(s)
	case jNumber:
		return n.numText()
	}
	return n.kindName()
}
