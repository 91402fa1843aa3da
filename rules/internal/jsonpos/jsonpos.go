// Package jsonpos reads the members of a JSON object and the elements of a
// JSON array with where each starts, so that the tools can point at a key or
// a value the way lint does (line, column, caret) while decoding with
// encoding/json. The input must be valid JSON (rules.CheckJSON).
package jsonpos

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Member is one member of an object: its key, its value as written, and where
// the key and the value start.
type Member struct {
	Key    string
	Val    json.RawMessage
	Off    int
	ValOff int
}

// Members returns an object's members in order (nil when data is not an
// object); base is where data starts in the whole document, for the offsets.
func Members(data []byte, base int) []Member {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var ms []Member
	for dec.More() {
		off := SkipSpace(data, int(dec.InputOffset()))
		t, err := dec.Token()
		if err != nil {
			return ms
		}
		key, _ := t.(string)
		valOff := SkipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return ms
		}
		ms = append(ms, Member{Key: key, Val: raw, Off: base + off, ValOff: base + valOff})
	}
	return ms
}

// Element is one element of an array and where it starts.
type Element struct {
	Val json.RawMessage
	Off int
}

// Elements returns an array's elements (nil when data is not an array).
func Elements(data []byte, base int) []Element {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil
	}
	var els []Element
	for dec.More() {
		off := SkipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return els
		}
		els = append(els, Element{Val: raw, Off: base + off})
	}
	return els
}

// SkipSpace moves past whitespace and the separators between members.
func SkipSpace(data []byte, off int) int {
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// Text reads a JSON string value.
func Text(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}
