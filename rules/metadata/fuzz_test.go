package metadata

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/presence-sync/presence-sync/rules"
)

// FuzzReadRecord: any bytes as a record file are read without panicking;
// every problem is located inside the file; a record read is a rules
// document that is JSON; and when such a document can be exported again, the
// records hold it exactly (reading them back gives the same document).
func FuzzReadRecord(f *testing.F) {
	shipped, _ := filepath.Glob(filepath.Join(repo, "js", "salesforce", "force-app", "main", "default", FolderName, "*.md-meta.xml"))
	for _, file := range shipped {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	x, _ := Export(doc1(`"criteria": {"all": [`+lunchCriterion+`, {"operandA": "Salesforce New Workload", "comparator": "Less than", "operandB": "Static Value", "operandBValue": 3}]}, "cooldownMs": 500`), nil)
	good := x.Records[0].Marshal()
	f.Add(good)
	f.Add(bytes.Replace(good, []byte("</label>"), []byte("</labl>"), 1))
	f.Add(bytes.Replace(good, []byte("Criteria__c</field>"), []byte("Criteria__x</field>"), 1))
	f.Add(bytes.Replace(good, []byte(`xsi:type="xsd:boolean">true`), []byte(`xsi:type="xsd:boolean">maybe`), 1))
	f.Add([]byte(`<?xml version="1.0"?><CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata"><label>&#13;x</label><values><field>Order__c</field><value>1e3</value></values></CustomMetadata>`))
	f.Add([]byte("<a><b><c><d><e><f><g><h><i><j><k><l><m><n><o><p><q><r></r></q></p></o></n></m></l></k></j></i></h></g></f></e></d></c></b></a>"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, problems := parseRecord("customMetadata/PresenceSyncRule.Fuzz.md-meta.xml", data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, p := range problems {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("problem located outside the file (line %d of %d): %s", p.Line, lines, p)
			}
		}
		if r == nil {
			return
		}
		folder := FromRecords([]*Record{r}, nil)
		if d := rules.CheckJSON(folder.Document); d != nil {
			t.Fatalf("the document of a record is not JSON: %s\n%s", d, folder.Document)
		}
		x, diags := Export(folder.Document, []*Record{r})
		if diags != nil {
			return
		}
		back, ps := parseRecord("customMetadata/"+x.Records[0].FileName(), x.Records[0].Marshal())
		if ps.HasErrors() || back == nil {
			t.Fatalf("an exported record does not read back: %s\n%s", ps, x.Records[0].Marshal())
		}
		if again := FromRecords([]*Record{back}, nil).Document; !bytes.Equal(again, folder.Document) && !sameRules(folder.Document, again) {
			t.Fatalf("records changed the document:\n%s\nbecame\n%s", folder.Document, again)
		}
	})
}

// sameRules reports whether two documents hold the same rules. A record may
// hold a picklist value in a spelling the picklists accept (ignoring case,
// spaces, "_" and "-": "SalesforceAgentStateChange"); exported, it is written as
// the label itself (a Picklist field holds labels), so the document read back
// differs in that spelling only. Found by FuzzReadRecord.
func sameRules(a, b []byte) bool {
	da, ea := rules.Parse(a)
	db, eb := rules.Parse(b)
	if da == nil || db == nil || ea.HasErrors() != eb.HasErrors() || len(da.Rules) != len(db.Rules) {
		return false
	}
	for i := range da.Rules {
		ra, rb := da.Rules[i], db.Rules[i]
		if ra.Criterion() != rb.Criterion() {
			return false
		}
		ra.Criteria, rb.Criteria = nil, nil // where in the text they were differs
		if !reflect.DeepEqual(ra, rb) {
			return false
		}
	}
	return true
}

// FuzzExport: any document is exported or refused without panicking; what is
// exported reads back without a problem into a document that exports to the
// same records, byte for byte.
func FuzzExport(f *testing.F) {
	for _, name := range []string{"rules/default.json", "rules/groups.json", "readme/record-form.json", "lint/tolerant_spellings.json", "lint/group_checks.json", "lint/wrong_types.json"} {
		data, err := os.ReadFile(filepath.Join(repo, "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(doc1(`"criteria": {"operandA": "Static Value", "operandAValue": 1e2, "comparator": "Equal to", "operandB": "Salesforce New Workload Pct"}`))
	f.Add(doc1(`"operandA": "Connect Agent Next State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "", "description": "<&\"'>\r\n"`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		x, diags := Export(doc, nil)
		if diags != nil {
			return
		}
		var records []*Record
		for _, r := range x.Records {
			back, ps := parseRecord("customMetadata/"+r.FileName(), r.Marshal())
			if len(ps) > 0 || back == nil {
				t.Fatalf("an exported record does not read back: %s\n%s", ps, r.Marshal())
			}
			records = append(records, back)
		}
		folder := FromRecords(records, x.Side)
		again, diags := Export(folder.Document, records)
		if diags != nil {
			t.Fatalf("the document records hold is refused: %s\n%s", diags, folder.Document)
		}
		for i := range x.Records {
			if a, b := x.Records[i].Marshal(), again.Records[i].Marshal(); !bytes.Equal(a, b) {
				t.Fatalf("the round trip changed a record:\n%s\nbecame\n%s", a, b)
			}
		}
	})
}
