package rules

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// positionReference is the first, simple position: it converts the whole line
// to runes for every diagnostic (80 MB for a minified document of 1,000 rules).
// positioner must give the same answers.
func positionReference(data []byte, off int) (line, col int, snippet string) {
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
	from := 0
	if col > 60 {
		from = col - 40
	}
	to := min(len(text), from+100)
	shown := strings.ReplaceAll(string(text[min(from, to):to]), "\t", " ")
	caretCol := col - 1 - from
	if caretCol > len([]rune(shown)) {
		caretCol = len([]rune(shown))
	}
	snippet = "  | " + shown + "\n  | " + strings.Repeat(" ", caretCol) + "^"
	return line, col, snippet
}

// checkPositions asks a positioner for offsets in order, then out of order,
// and compares every answer with positionReference.
func checkPositions(t *testing.T, data []byte, offs []int) {
	t.Helper()
	p := positioner{data: data}
	for _, off := range offs {
		wl, wc, ws := positionReference(data, off)
		gl, gc, gs := p.at(off)
		require.Equal(t, []any{wl, wc, ws}, []any{gl, gc, gs}, "offset %d of %q", off, data)
	}
}

func TestPositionerMatchesReference(t *testing.T) {
	long := `{"rules":[` + strings.Repeat(`{"name":"é r\t","source":"x"},`, 40) + `{"name":"last"}]}`
	for name, data := range map[string]string{
		"short lines":      "{\n  \"a\": 1,\n\t\"b\": [true, nul]\n}",
		"CRLF":             "{\r\n  \"a\": 1\r\n}\r\n",
		"minified":         long,
		"multi-byte":       "{\"名前\": \"値\", \"ü\": 1, \"😀\": 2}",
		"not UTF-8":        "{\"a\": \"\xff\xfe\", \"b\": 1}",
		"empty":            "",
		"newline at end":   "[1,\n2]\n",
		"long after break": "{\n" + long + "\n}",
	} {
		t.Run(name, func(t *testing.T) {
			var offs []int
			for i := 0; i <= len(data)+2; i++ {
				offs = append(offs, i)
			}
			checkPositions(t, []byte(data), offs)
			// Backwards, then jumping about.
			var back []int
			for i := len(data); i >= 0; i -= 7 {
				back = append(back, i)
			}
			checkPositions(t, []byte(data), append(back, 0, len(data)/2, 3, len(data), 1))
		})
	}
}

func FuzzPositioner(f *testing.F) {
	f.Add([]byte("{\n\t\"a\": \"é\"\r\n}"), uint16(5), uint16(2))
	f.Add([]byte(strings.Repeat("x", 200)+"\n\xffy"), uint16(150), uint16(201))
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		checkPositions(t, data, []int{int(a) % (len(data) + 1), int(b) % (len(data) + 1), int(a) % (len(data) + 1)})
	})
}

// longLineDoc is a minified document of n rules, each of which earns a
// warning: an ordering comparator on names.
func longLineDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"rules":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"r` + strings.Repeat("x", i%7) + `","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Greater than","operandB":"Static Value","operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch"}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// A minified document of many rules is located without copying its one line
// for every diagnostic.
func TestParseLongLineAllocations(t *testing.T) {
	data := longLineDoc(300)
	_, diags := Parse(data)
	require.GreaterOrEqual(t, len(diags), 300, "every rule is warned about")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Parse(data)
	runtime.ReadMemStats(&after)
	perDiag := (after.TotalAlloc - before.TotalAlloc) / uint64(len(diags))
	t.Logf("%d diagnostics: %d bytes allocated each, for a document of one %d-byte line", len(diags), perDiag, len(data))
	assert.Less(t, perDiag, uint64(8<<10), "each diagnostic copied the line")
}

// BenchmarkParseLongLine: lint's pass over a minified document of 1,000 rules
// with a diagnostic for each: the positioner finds the one line's end once,
// not once per diagnostic.
func BenchmarkParseLongLine(b *testing.B) {
	data := longLineDoc(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := Parse(data); len(diags) < 1000 {
			b.Fatal("every rule is warned about")
		}
	}
}
