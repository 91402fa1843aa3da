package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CheckJSON words and locates a syntax error exactly as Parse does, so that
// every command reports a file that is not JSON the way lint does.
func TestCheckJSONAsParse(t *testing.T) {
	for _, doc := range []string{
		"hello",
		"{\"rules\": [\n  {\"name\": \"a\",}]}",
		"{\"rules\": [",
		"{} {}",
		"\n\n   [1, 2,, 3]",
	} {
		t.Run(doc, func(t *testing.T) {
			d := CheckJSON([]byte(doc))
			require.NotNil(t, d)
			_, diags := Parse([]byte(doc))
			require.Len(t, diags, 1)
			assert.Equal(t, diags[0], *d)
		})
	}
	for _, ok := range []string{`{}`, ` [1, "a", null] `, `"x"`, `{"type": "Salesforce Agent Logout"}`} {
		assert.Nil(t, CheckJSON([]byte(ok)), ok)
	}
}

func TestLocate(t *testing.T) {
	data := []byte("<a>\n  <b>é x</b>\n</a>\n")
	line, col, snippet := Locate(data, 12) // the x: after "<a>\n" and "  <b>é " (é is 2 bytes)
	assert.Equal(t, 2, line)
	assert.Equal(t, 8, col)
	assert.Equal(t, "  |   <b>é x</b>\n  |        ^", snippet)
}

func TestSuggest(t *testing.T) {
	fields := []string{"oldState", "newState", "stateType", "statusApiName", "statusId"}
	assert.Equal(t, "newState", Suggest("newStat", fields))
	assert.Equal(t, "statusApiName", Suggest("StatusAPIName", fields))
	assert.Equal(t, "", Suggest("configuredCapacity", fields))
}
