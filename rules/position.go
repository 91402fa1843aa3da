package rules

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// positioner turns byte offsets of one document into 1-based lines and columns
// (in runes) and renders the line with a caret under the column. It remembers
// the last offset it was asked for, so a document's diagnostics, asked for in
// the order they appear, cost one pass over the document in all; and it never
// copies a whole line (a minified document is one long line). Its answers are
// those of counting from the start every time.
type positioner struct {
	data []byte
	off  int // the last offset asked for (0: none yet)
	line int // its line
	ls   int // where its line starts
	col  int // its column
	// the end of the line that starts at endOf (its newline, or the end of
	// data), found once for every diagnostic on that line
	end, endOf int
	endOK      bool
}

// position is a positioner's answer for one offset, for a one-off question.
func position(data []byte, off int) (line, col int, snippet string) {
	p := positioner{data: data}
	return p.at(off)
}

func (p *positioner) at(off int) (line, col int, snippet string) {
	data := p.data
	off = max(0, min(off, len(data)))
	if p.line == 0 || off < p.off {
		p.off, p.line, p.ls, p.col = 0, 1, 0, 1
	}
	// Advance from the last offset (always the start of a rune).
	line, ls, col := p.line, p.ls, p.col
	seg := data[p.off:off]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		line += n
		ls = p.off + bytes.LastIndexByte(seg, '\n') + 1
		col = 1 + utf8.RuneCount(data[ls:off])
	} else {
		col += utf8.RuneCount(seg)
	}
	if off == len(data) || utf8.RuneStart(data[off]) {
		p.off, p.line, p.ls, p.col = off, line, ls, col
	}

	// The line's end, without trailing carriage returns: the first newline at
	// or after the line's start, the same for every offset on the line (a
	// minified document's diagnostics share one line).
	if !p.endOK || p.endOf != ls {
		p.end, p.endOf, p.endOK = len(data), ls, true
		if j := bytes.IndexByte(data[off:], '\n'); j >= 0 {
			p.end = off + j
		}
	}
	le := p.end
	for le > ls && data[le-1] == '\r' {
		le--
	}
	// Keep long (minified) lines readable: a window of 100 runes, the caret 40
	// runes in when the column is past 60.
	from := ls
	caret := col - 1
	if col > 60 {
		from = off
		for range 40 - 1 {
			_, size := utf8.DecodeLastRune(data[ls:from])
			from -= size
		}
		caret = 40 - 1
	}
	to := from
	for k := 0; k < 100 && to < le; k++ {
		_, size := utf8.DecodeRune(data[to:le])
		to += size
	}
	shown := strings.ReplaceAll(runesText(data[from:to]), "\t", " ")
	if n := utf8.RuneCountInString(shown); caret > n {
		caret = n
	}
	snippet = "  | " + shown + "\n  | " + strings.Repeat(" ", caret) + "^"
	return line, col, snippet
}

// runesText is b as text, each byte that is not UTF-8 shown as U+FFFD.
func runesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[size:]
	}
	return string(out)
}
