package metadata

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

// Folder is a folder of PresenceSyncRule records read back into the rules
// document they hold.
type Folder struct {
	// Dir is the folder as given; Records are its records in the order of the
	// rules (Order__c, then DeveloperName), the ones that could be read.
	Dir     string
	Records []*Record
	// Document is the rules document the records hold, as the softphone builds
	// it (PresenceSyncRules.load): rules[i] comes from Records[i].
	Document []byte
	// Problems found in the records themselves (not in the rules they hold:
	// Locate maps those to the records).
	Problems Problems
	// Skipped: records left out by a profile filter (ReadOptions.Profile).
	Skipped []*Record
	// fromCriteria[i]: rule i's criteria come from Criteria__c.
	fromCriteria []bool
	// catalog: the file the document's other keys came from (ReadOptions.Catalog).
	catalog string
}

// ReadOptions tune Read.
type ReadOptions struct {
	// Profile: keep only the records that apply to this profile, as the
	// softphone does for a user of it (an empty Profiles__c applies to all).
	// "": every record, whatever its profiles.
	Profile string
	// Catalog: a JSON file whose keys (connect, salesforce, options, $schema,
	// description: what a document holds besides its rules, and records
	// cannot) are added to the document. "": none.
	Catalog string
}

// IsFolder reports whether path is a folder of records rather than a rules file.
func IsFolder(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// recordsDir is where a folder's records are: dir/customMetadata, or dir
// itself when it is a customMetadata folder or holds record files directly.
func recordsDir(dir string) string {
	if info, err := os.Stat(filepath.Join(dir, FolderName)); err == nil && info.IsDir() {
		return filepath.Join(dir, FolderName)
	}
	return dir
}

// recordFiles lists the PresenceSyncRule record files of a folder, sorted.
func recordFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), filePrefix) && strings.HasSuffix(e.Name(), fileSuffix) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// Read reads the PresenceSyncRule records of a folder (dir/customMetadata, or
// dir itself) into the rules document they hold. The error is for a folder
// that cannot be read or holds no record; problems in records are in
// Folder.Problems, and a record that cannot be read at all is left out of the
// document (the problems then have errors: nothing is lost silently).
func Read(dir string, opts ReadOptions) (*Folder, error) {
	rd := recordsDir(dir)
	files, err := recordFiles(rd)
	if err != nil {
		return nil, errors.New(dir + ": " + unwrapPath(err).Error())
	}
	if len(files) == 0 {
		return nil, errors.New(dir + ": no " + filePrefix + "*" + fileSuffix + " record in " + rd)
	}
	f := &Folder{Dir: dir, catalog: opts.Catalog}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		r, ps := parseRecord(file, data)
		f.Problems = append(f.Problems, ps...)
		if r == nil {
			continue
		}
		if opts.Profile != "" && !appliesTo(r.raw(FieldProfiles), opts.Profile) {
			f.Skipped = append(f.Skipped, r)
			continue
		}
		f.Records = append(f.Records, r)
	}
	var side []byte
	if opts.Catalog != "" {
		if side, err = readCatalog(opts.Catalog); err != nil {
			return nil, err
		}
	}
	f.build(side)
	return f, nil
}

// FromRecords builds the document records hold, as Read does, for records
// already in memory (such as Export's); side holds the document's other keys
// (Exported.Side), or is nil.
func FromRecords(records []*Record, side []byte) *Folder {
	f := &Folder{Records: records}
	f.build(side)
	return f
}

// appliesTo: whether a record with this Profiles__c applies to a user of this
// profile, as PresenceSyncRules.appliesTo decides (names separated by commas
// or semicolons, compared ignoring case and surrounding spaces).
func appliesTo(profiles, profile string) bool {
	if strings.TrimSpace(profiles) == "" {
		return true
	}
	for _, name := range strings.FieldsFunc(profiles, func(r rune) bool { return r == ',' || r == ';' }) {
		if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(profile)) {
			return true
		}
	}
	return false
}

// build orders the records and writes the rules document they hold.
func (f *Folder) build(side []byte) {
	for _, r := range f.Records {
		if _, ok := r.text(FieldOrder); !ok {
			f.Problems = append(f.Problems, r.problem(rules.SeverityError, "missing-field", FieldOrder, r.offOf(FieldOrder),
				"Order__c is empty: every record needs an Order (its rule is evaluated last meanwhile)"))
		}
		if _, ok := r.Values[FieldActive]; !ok {
			f.Problems = append(f.Problems, r.problem(rules.SeverityWarning, "missing-field", FieldActive, r.labelOff,
				"Active__c is not given: the rule is read as inactive (the softphone loads only records whose Active is checked); write true or false so that the file says what the org holds"))
		}
	}
	sort.SliceStable(f.Records, func(i, j int) bool { return orderLess(f.Records[i], f.Records[j]) })
	var b bytes.Buffer
	b.WriteString("{")
	members := jsonpos.Members(side, 0)
	for _, m := range members {
		if m.Key == "$schema" {
			b.WriteString(strconv.Quote(m.Key) + ":" + string(m.Val) + ",")
		}
	}
	b.WriteString(`"rules":[`)
	f.fromCriteria = make([]bool, len(f.Records))
	for i, r := range f.Records {
		if i > 0 {
			b.WriteByte(',')
		}
		f.fromCriteria[i] = f.writeRule(&b, r)
	}
	b.WriteString("]")
	for _, m := range members {
		if m.Key != "$schema" {
			b.WriteString("," + strconv.Quote(m.Key) + ":" + string(m.Val))
		}
	}
	b.WriteString("}")
	if out, diags := rules.Format(b.Bytes()); diags == nil {
		f.Document = out
		return
	}
	// A record with both Criteria__c and operand fields: fmt refuses the mix
	// (lint names both); indent it as it is.
	var ind bytes.Buffer
	_ = json.Indent(&ind, b.Bytes(), "", "  ")
	ind.WriteByte('\n')
	f.Document = ind.Bytes()
}

// orderLess orders records as PresenceSyncRules does: by Order__c, empty
// last, then by DeveloperName.
func orderLess(a, b *Record) bool {
	oa, okA := a.order()
	ob, okB := b.order()
	switch {
	case okA && !okB:
		return true
	case !okA && okB:
		return false
	case okA && okB && oa != ob:
		return oa < ob
	}
	return a.DeveloperName < b.DeveloperName
}

func (r *Record) order() (float64, bool) {
	t, ok := r.text(FieldOrder)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	return v, err == nil
}

// offOf is where a field's value starts in the record's file, else where its
// label does.
func (r *Record) offOf(field string) int {
	if o, ok := r.valueOffs[field]; ok {
		return o
	}
	return r.labelOff
}

// writeRule writes the rule a record holds, in the canonical shape, as
// PresenceSyncRules.writeRule does: {name, active, source, criteria,
// destination, state, cooldownMs?, description?}, an empty field left out.
// It reports whether the criteria came from Criteria__c.
func (f *Folder) writeRule(b *bytes.Buffer, r *Record) bool {
	b.WriteString(`{"name":` + jsonString(r.Label))
	active, _ := r.text(FieldActive)
	b.WriteString(`,"active":` + boolText(active == "true"))
	put := func(key, field string) {
		if t, ok := r.text(field); ok {
			b.WriteString("," + jsonString(key) + ":" + jsonString(t))
		}
	}
	put("source", FieldSource)
	criteria, hasCriteria := r.text(FieldCriteria)
	_, a := r.text(FieldOperandA)
	_, c := r.text(FieldComparator)
	_, bb := r.text(FieldOperandB)
	hasOperands := a || c || bb
	if hasCriteria {
		b.WriteString(`,"criteria":`)
		if rules.CheckJSON([]byte(criteria)) == nil {
			var compact bytes.Buffer
			_ = json.Compact(&compact, []byte(criteria))
			b.Write(compact.Bytes())
		} else {
			// As the Apex passes it: the engine refuses a string, naming the rule.
			b.WriteString(jsonString(criteria))
			f.Problems = append(f.Problems, criteriaProblem(r, criteria))
		}
	}
	switch {
	case hasCriteria && hasOperands:
		b.WriteString(",")
		r.writeOperands(b) // beside criteria: lint reports the mix, naming both
	case !hasCriteria:
		b.WriteString(`,"criteria":{`)
		r.writeOperands(b)
		b.WriteString("}")
	}
	put("destination", FieldDestination)
	put("state", FieldValue)
	if t, ok := r.text(FieldCooldown); ok {
		if n, ok := wholeNumber(t, 8); ok {
			b.WriteString(`,"cooldownMs":` + strconv.FormatInt(n, 10))
		} else {
			b.WriteString(`,"cooldownMs":` + jsonString(t)) // reported: not a number
		}
	}
	put("description", FieldDescription)
	b.WriteString("}")
	return hasCriteria
}

// writeOperands writes operandA, operandAValue, comparator, operandB,
// operandBValue as PresenceSyncRules.writeOperands does: the value of a
// Static Value operand is always given (an empty field is the empty text),
// another operand's value only when filled in.
func (r *Record) writeOperands(b *bytes.Buffer) {
	first := true
	put := func(key, value string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(jsonString(key) + ":" + jsonString(value))
	}
	for _, o := range [...]struct{ key, field, valueKey, valueField string }{
		{"operandA", FieldOperandA, "operandAValue", FieldOperandAVal},
		{"comparator", FieldComparator, "", ""},
		{"operandB", FieldOperandB, "operandBValue", FieldOperandBVal},
	} {
		operand, ok := r.text(o.field)
		if ok {
			put(o.key, operand)
		}
		if o.valueKey == "" {
			continue
		}
		if operand == staticValue {
			put(o.valueKey, r.raw(o.valueField))
		} else if v, ok := r.text(o.valueField); ok {
			put(o.valueKey, v)
		}
	}
}

const staticValue = "Static Value"

// criteriaProblem: Criteria__c is not JSON; located in the JSON as lint
// locates a file's syntax error.
func criteriaProblem(r *Record, criteria string) Problem {
	d := rules.CheckJSON([]byte(criteria))
	msg := "Criteria (JSON) is not valid JSON: " + strings.TrimPrefix(d.Message, "the file is not valid JSON: ") +
		" (its line " + itoa(d.Line) + ", column " + itoa(d.Column) + ")"
	return r.problem(rules.SeverityError, "criteria-json", FieldCriteria, r.offOf(FieldCriteria), msg)
}

// wholeNumber reads a Number field's text ("30000", "30000.0") as a whole
// number of at most digits digits.
func wholeNumber(s string, digits int) (int64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) >= math.Pow10(digits) {
		return 0, false
	}
	return int64(v), true
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
