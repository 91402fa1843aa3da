package rules

import (
	"math"
	"strconv"
)

// ValueKind says what an operand yielded.
type ValueKind uint8

// Value kinds.
const (
	// Unavailable: the operand has no value (a workload percentage with a
	// capacity of 0, a workload never reported). A criterion using it is false.
	Unavailable ValueKind = iota
	// Text: a string that does not read as a decimal number.
	Text
	// Number: a JSON number or a string that reads as a decimal number.
	Number
)

// Value is what an operand yields: text, a number, or nothing.
type Value struct {
	Kind ValueKind
	Str  string  // the text as given (for numbers, their original spelling)
	Num  float64 // valid when Kind == Number
}

// TextValue makes a value from a string: a decimal number spelled as text
// (such as the "100" an admin types as a static value) is a Number.
func TextValue(s string) Value {
	if n, ok := parseDecimal(s); ok {
		return Value{Kind: Number, Str: s, Num: n}
	}
	return Value{Kind: Text, Str: s}
}

// NumberValue makes a numeric value.
func NumberValue(n float64) Value {
	return Value{Kind: Number, Num: n}
}

// text is the value as a string, for string comparison.
func (v Value) text() string {
	if v.Kind == Number && v.Str == "" {
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	}
	return v.Str
}

func (v Value) String() string {
	switch v.Kind {
	case Unavailable:
		return "(unavailable)"
	case Number:
		if v.Str != "" && len(v.Str) <= 32 {
			return v.Str
		}
		if math.Abs(v.Num) >= 1e21 || (v.Num != 0 && math.Abs(v.Num) < 1e-6) {
			return strconv.FormatFloat(v.Num, 'g', -1, 64)
		}
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	}
	return quote(v.Str)
}

// MarshalJSON writes numbers as JSON numbers, text as strings, and nothing as null.
func (v Value) MarshalJSON() ([]byte, error) { w := jw{}; w.value(v); return w.b, nil }

// parseDecimal reads a plain decimal number: optional sign, digits, optional
// fraction. No exponent, no hex, no Inf or NaN, no spaces.
func parseDecimal(s string) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

// OptNum is a number that may be absent.
type OptNum struct {
	V  float64
	OK bool
}

// Num makes a present OptNum.
func Num(v float64) OptNum { return OptNum{V: v, OK: true} }

// MarshalJSON writes null when absent.
func (n OptNum) MarshalJSON() ([]byte, error) {
	if !n.OK {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, n.V, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number, a numeric string, or null.
func (n *OptNum) UnmarshalJSON(b []byte) error {
	v, ok, err := readNumber(b)
	if err != nil {
		return err
	}
	*n = OptNum{V: v, OK: ok}
	return nil
}

// IsZero lets omitempty-aware encoders skip an absent number.
func (n OptNum) IsZero() bool { return !n.OK }

// readNumber reads a JSON number, a string holding a decimal number (Omni sends
// workloads as strings), or null/"" (absent).
func readNumber(raw []byte) (float64, bool, error) {
	if len(raw) == 0 {
		return 0, false, nil
	}
	n, jerr := parseJSON(raw)
	if jerr != nil {
		return 0, false, &notNumberError{got: "invalid JSON"}
	}
	v, err := n.number()
	return v.V, v.OK, err
}

type notNumberError struct{ got string }

func (e *notNumberError) Error() string {
	return "expected a number or a numeric string, got " + e.got
}
