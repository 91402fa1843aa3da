package rules

import (
	"strings"
)

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
