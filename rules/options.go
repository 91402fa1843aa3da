package rules

import (
	"encoding/json"
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
}

// DefaultOptions are DESIGN.md's defaults.
func DefaultOptions() Options {
	return Options{EchoWindowMs: 5000, LoopMaxWrites: 6, LoopWindowMs: 10000, RetryAttempts: 3,
		RetryBaseMs: 250, WriteTimeoutMs: 5000, Trace: "full"}
}

// ParseOptions reads options over the defaults. Unknown keys are ignored (the
// browser's options also carry the shim's own settings); a known key of the
// wrong type or out of range is an error naming it.
func ParseOptions(data []byte) (Options, error) {
	o := DefaultOptions()
	if len(data) == 0 || string(data) == "null" {
		return o, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return o, &Error{Code: CodeInvalidRules, Field: "options", Message: "options must be an object: " + err.Error()}
	}
	ints := []struct {
		key string
		dst *int64
		min int64
	}{
		{"echoWindowMs", &o.EchoWindowMs, 0}, {"loopWindowMs", &o.LoopWindowMs, 1},
		{"retryBaseMs", &o.RetryBaseMs, 0}, {"writeTimeoutMs", &o.WriteTimeoutMs, 1},
	}
	for _, f := range ints {
		if raw, ok := m[f.key]; ok {
			v, ok2, err := readNumber(raw)
			if err != nil || !ok2 || v < float64(f.min) || v > 1e12 {
				return o, optionError(f.key, raw, f.min)
			}
			*f.dst = int64(v)
		}
	}
	for _, f := range []struct {
		key string
		dst *int
		min int64
	}{{"loopMaxWrites", &o.LoopMaxWrites, 1}, {"retryAttempts", &o.RetryAttempts, 1}} {
		if raw, ok := m[f.key]; ok {
			v, ok2, err := readNumber(raw)
			if err != nil || !ok2 || v < float64(f.min) || v > 1e6 {
				return o, optionError(f.key, raw, f.min)
			}
			*f.dst = int(v)
		}
	}
	if raw, ok := m["trace"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil || (s != "full" && s != "matched") {
			return o, &Error{Code: CodeInvalidRules, Field: "trace", Message: `option trace must be "full" or "matched", got ` + string(raw)}
		}
		o.Trace = s
	}
	return o, nil
}

func optionError(key string, raw json.RawMessage, min int64) error {
	return &Error{Code: CodeInvalidRules, Field: key,
		Message: "option " + key + " must be a number ≥ " + strconv.FormatInt(min, 10) + ", got " + string(raw)}
}
