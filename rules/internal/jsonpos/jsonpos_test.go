package jsonpos

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMembersAndElements(t *testing.T) {
	doc := []byte("{\"a\": 1,\n  \"b\" :[ \"x\", {\"c\": null} ], \"é\": \"\\u00e9\"}")
	ms := Members(doc, 0)
	assert.Len(t, ms, 3)
	for _, m := range ms {
		assert.Equal(t, byte('"'), doc[m.Off], "%s: the key's opening quote", m.Key)
		assert.Equal(t, string(m.Val), string(doc[m.ValOff:m.ValOff+len(m.Val)]), "%s: the value as written", m.Key)
	}
	assert.Equal(t, []string{"a", "b", "é"}, []string{ms[0].Key, ms[1].Key, ms[2].Key})
	els := Elements(ms[1].Val, ms[1].ValOff)
	assert.Len(t, els, 2)
	assert.Equal(t, `"x"`, string(doc[els[0].Off:els[0].Off+3]))
	assert.Equal(t, `{"c": null}`, string(els[1].Val))
	inner := Members(els[1].Val, els[1].Off)
	assert.Equal(t, "null", string(doc[inner[0].ValOff:inner[0].ValOff+4]), "offsets are in the whole document")
	s, ok := Text(ms[2].Val)
	assert.True(t, ok)
	assert.Equal(t, "é", s)
	_, ok = Text(ms[0].Val)
	assert.False(t, ok)
	assert.Nil(t, Members([]byte("[1]"), 0))
	assert.Nil(t, Elements([]byte("{}"), 0))
}
