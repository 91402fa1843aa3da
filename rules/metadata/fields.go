// Package metadata converts between a rules document and the Salesforce custom
// metadata records that hold the same rules: records of the type
// PresenceSyncRule__mdt, kept as Salesforce DX keeps them, one file per record
// under a folder's customMetadata/ (PresenceSyncRule.<DeveloperName>.md-meta.xml).
//
// Export writes a document as records; Read reads a folder of records back
// into the rules document the softphone builds from them (the Apex class
// PresenceSyncRules, js/salesforce/force-app/main/default/classes). Converting
// a document to records and back changes nothing but formatting: what a
// record cannot hold exactly is refused by Export, with a located reason.
// Problems found in records name the record's file and field, at the line and
// column of the XML.
package metadata

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Where records live, and how their files are named (Metadata API Developer
// Guide, "CustomMetadata": a record is a .md file in the customMetadata
// folder, named after its type without the __mdt suffix, a dot, and its
// DeveloperName; Salesforce DX source format adds -meta.xml).
const (
	TypeName   = "PresenceSyncRule__mdt"
	FolderName = "customMetadata"
	filePrefix = "PresenceSyncRule."
	fileSuffix = ".md-meta.xml"
)

// The fields of PresenceSyncRule__mdt
// (js/salesforce/force-app/main/default/objects/PresenceSyncRule__mdt/fields/).
const (
	FieldOrder       = "Order__c"
	FieldActive      = "Active__c"
	FieldSource      = "Source__c"
	FieldOperandA    = "Operand_A__c"
	FieldOperandAVal = "Operand_A_Value__c"
	FieldComparator  = "Comparator__c"
	FieldOperandB    = "Operand_B__c"
	FieldOperandBVal = "Operand_B_Value__c"
	FieldDestination = "Destination__c"
	FieldValue       = "Value__c"
	FieldCriteria    = "Criteria__c"
	FieldCooldown    = "Cooldown_Ms__c"
	FieldProfiles    = "Profiles__c"
	FieldDescription = "Description__c"
)

type kind uint8

const (
	kindText kind = iota
	kindTextArea
	kindLongTextArea
	kindPicklist
	kindNumber
	kindCheckbox
)

// xsiTypes: the xsi:type a value of each kind is written with (as Salesforce
// retrieves records); the first is the one Export writes.
var xsiTypes = [...][]string{
	kindText:         {"xsd:string"},
	kindTextArea:     {"xsd:string"},
	kindLongTextArea: {"xsd:string"},
	kindPicklist:     {"xsd:string"},
	kindNumber:       {"xsd:double", "xsd:int", "xsd:long"},
	kindCheckbox:     {"xsd:boolean"},
}

var kindNames = [...]string{"Text", "TextArea", "LongTextArea", "Picklist", "Number", "Checkbox"}

// field is one field of the type: its kind, its limit (characters for text,
// digits for a number), whether a record must fill it in, and the rule key it
// holds ("" for the record-only fields Order__c and Profiles__c).
type field struct {
	name     string
	kind     kind
	limit    int
	required bool
	ruleKey  string
}

// fields is the type, field by field, as its field-meta.xml files define it
// (a test holds the two equal). Limits: Text and Picklist values up to their
// length (255), a Text Area up to 255 characters, the Long Text Area up to
// its length, Numbers up to their precision in digits, scale 0 (Metadata API
// Developer Guide, "CustomField": length, precision, scale; a TextArea holds
// 255 characters).
var fields = []field{
	{FieldActive, kindCheckbox, 0, false, "active"},
	{FieldComparator, kindPicklist, 255, false, "comparator"},
	{FieldCooldown, kindNumber, 8, false, "cooldownMs"},
	{FieldCriteria, kindLongTextArea, 32768, false, "criteria"},
	{FieldDescription, kindTextArea, 255, false, "description"},
	{FieldDestination, kindPicklist, 255, true, "destination"},
	{FieldOperandA, kindPicklist, 255, false, "operandA"},
	{FieldOperandAVal, kindText, 255, false, "operandAValue"},
	{FieldOperandB, kindPicklist, 255, false, "operandB"},
	{FieldOperandBVal, kindText, 255, false, "operandBValue"},
	{FieldOrder, kindNumber, 9, true, ""},
	{FieldProfiles, kindText, 255, false, ""},
	{FieldSource, kindPicklist, 255, true, "source"},
	{FieldValue, kindText, 255, true, "state"},
}

func fieldNamed(name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

func fieldNames() []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

// Limits of a record's names. A DeveloperName uses only letters, digits and
// underscores, begins with a letter, does not end with an underscore and has
// no two underscores in a row (Salesforce Help, "Add or Edit a Custom Metadata
// Type Declaratively", the naming rule of API names; Object Reference,
// "CustomMetadataType__mdt", DeveloperName). A record's label (MasterLabel) and
// its DeveloperName hold at most 40 characters each (the Label and Name of
// Setup's custom metadata record form; js/salesforce/lib/records.mjs checks
// the same limits).
const (
	MaxLabel         = 40
	MaxDeveloperName = 40
)

// ValidDeveloperName reports why name cannot be a record's DeveloperName, or
// "" when it can.
func ValidDeveloperName(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case len(name) > MaxDeveloperName:
		return "it has " + itoa(len(name)) + " characters, at most " + itoa(MaxDeveloperName)
	case !isLetter(name[0]):
		return "it must begin with a letter"
	case strings.HasSuffix(name, "_"):
		return "it must not end with an underscore"
	case strings.Contains(name, "__"):
		return "it must not contain two underscores in a row"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			r, _ := utf8.DecodeRuneInString(name[i:])
			return "it holds " + quote(string(r)) + ": only letters, digits and underscores are allowed"
		}
	}
	return ""
}

// DeveloperName derives a record name from a rule's name: each run of
// characters other than ASCII letters and digits becomes one underscore, the
// ends are trimmed, a name that does not begin with a letter gets "Rule_" in
// front, and the result is cut to 40 characters. "" gives "Rule".
func DeveloperName(ruleName string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(ruleName); i++ {
		c := ruleName[i]
		if isLetter(c) || isDigit(c) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteByte(c)
			continue
		}
		under = true
	}
	s := b.String()
	if s == "" {
		return "Rule"
	}
	if !isLetter(s[0]) {
		s = "Rule_" + s
	}
	return cut(s, MaxDeveloperName)
}

// cut shortens a DeveloperName to n characters, without a trailing underscore.
func cut(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.TrimRight(s, "_")
}

// uniqueNames hands out DeveloperNames that differ from each other ignoring
// case (record files must not clash on a case-insensitive file system).
type uniqueNames map[string]bool

func (u uniqueNames) take(name string) { u[strings.ToLower(name)] = true }

// next returns base, or base with "_2", "_3", ... (cut to fit) when taken.
func (u uniqueNames) next(base string) string {
	name := base
	for n := 2; u[strings.ToLower(name)]; n++ {
		suffix := "_" + itoa(n)
		name = cut(base, MaxDeveloperName-len(suffix)) + suffix
	}
	u.take(name)
	return name
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

var (
	itoa  = strconv.Itoa
	quote = strconv.Quote
)
