package rules

import (
	"encoding/json"
	"strings"
)

// A minimal scanner over JSON text that is already known to be valid. It finds
// where each member of an object and each element of an array starts, so that a
// problem with a value can be reported at its line and column.

type member struct {
	key        string
	keyOff     int
	start, end int // the value's bytes
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the offset just past the value starting at i.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		i++
		for i < len(data) {
			switch data[i] {
			case '\\':
				i += 2
				continue
			case '"':
				return i + 1
			}
			i++
		}
		return i
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipValue(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// objectMembers lists the members of the object starting at i (data[i] == '{').
func objectMembers(data []byte, i int) []member {
	var out []member
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] != '}' {
		keyStart := i
		keyEnd := skipValue(data, i)
		var key string
		_ = json.Unmarshal(data[keyStart:keyEnd], &key)
		i = skipSpace(data, keyEnd)
		i = skipSpace(data, i+1) // ':'
		end := skipValue(data, i)
		out = append(out, member{key: key, keyOff: keyStart, start: i, end: end})
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return out
}

// arrayElements lists the [start,end) of each element of the array at i.
func arrayElements(data []byte, i int) [][2]int {
	var out [][2]int
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] != ']' {
		end := skipValue(data, i)
		out = append(out, [2]int{i, end})
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return out
}

// position turns a byte offset into a 1-based line and column (in runes) and
// renders that line with a caret under the column.
func position(data []byte, off int) (line, col int, snippet string) {
	if off > len(data) {
		off = len(data)
	}
	line = 1 + strings.Count(string(data[:off]), "\n")
	ls := strings.LastIndexByte(string(data[:off]), '\n') + 1
	le := len(data)
	if j := strings.IndexByte(string(data[off:]), '\n'); j >= 0 {
		le = off + j
	}
	prefix := []rune(string(data[ls:off]))
	col = len(prefix) + 1
	text := []rune(strings.TrimRight(string(data[ls:le]), "\r"))
	// Keep long (minified) lines readable: a window around the column.
	from := 0
	if col > 60 {
		from = col - 40
	}
	to := min(len(text), from+100)
	shown := strings.ReplaceAll(string(text[from:to]), "\t", " ")
	caretCol := col - 1 - from
	if caretCol > len([]rune(shown)) {
		caretCol = len([]rune(shown))
	}
	snippet = "  | " + shown + "\n  | " + strings.Repeat(" ", caretCol) + "^"
	return line, col, snippet
}

func isJSONString(raw []byte) bool { return len(raw) > 0 && raw[0] == '"' }
func isJSONNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'))
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
