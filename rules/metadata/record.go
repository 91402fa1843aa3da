package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
)

// Record is one PresenceSyncRule__mdt record.
type Record struct {
	DeveloperName string
	Label         string // MasterLabel: the rule's name
	Protected     bool
	// Values by field name; a field left out, or nil, is empty.
	Values map[string]Value

	// File is where the record was read from ("" for a record Export made).
	File string
	data []byte
	// where its label and each field's value start in data (-1: not written)
	labelOff  int
	valueOffs map[string]int
}

// Value is one field's value as a record file holds it.
type Value struct {
	Text    string
	Nil     bool   // xsi:nil="true": the field is empty
	XSIType string // "xsd:string", "xsd:double", "xsd:boolean"
}

// text returns a field's text when it is filled in: as the Apex reads a
// record (String.isNotBlank), a field holding only spaces is empty.
func (r *Record) text(field string) (string, bool) {
	v, ok := r.Values[field]
	if !ok || v.Nil || strings.TrimSpace(v.Text) == "" {
		return "", false
	}
	return v.Text, true
}

// raw returns a field's text as written, "" when empty.
func (r *Record) raw(field string) string {
	if v, ok := r.Values[field]; ok && !v.Nil {
		return v.Text
	}
	return ""
}

// FileName is the record's file name: PresenceSyncRule.<DeveloperName>.md-meta.xml.
func (r *Record) FileName() string { return filePrefix + r.DeveloperName + fileSuffix }

const (
	nsMetadata = "http://soap.sforce.com/2006/04/metadata"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// Marshal writes the record as Salesforce DX keeps it (and as Salesforce
// retrieves it): the label, protected, then every field of the type sorted by
// name, an empty one as xsi:nil so that a deploy empties it in the org too.
func (r *Record) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<CustomMetadata xmlns="` + nsMetadata + `" xmlns:xsi="` + nsXSI + `" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` + "\n")
	b.WriteString("    <label>" + escape(r.Label) + "</label>\n")
	b.WriteString("    <protected>" + boolText(r.Protected) + "</protected>\n")
	for _, f := range fields {
		b.WriteString("    <values>\n        <field>" + f.name + "</field>\n")
		v, ok := r.Values[f.name]
		if !ok || v.Nil || v.Text == "" {
			b.WriteString("        <value xsi:nil=\"true\"/>\n")
		} else {
			t := v.XSIType
			if t == "" {
				t = xsiTypes[f.kind][0]
			}
			b.WriteString("        <value xsi:type=\"" + t + "\">" + escape(v.Text) + "</value>\n")
		}
		b.WriteString("    </values>\n")
	}
	b.WriteString("</CustomMetadata>\n")
	return b.Bytes()
}

func boolText(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// escape writes text as XML character data: the five predefined entities as
// Salesforce writes them, and a carriage return as a character reference (a
// parser would read a literal one as a line break).
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlChar reports whether XML 1.0 can hold r (its Char production): a record
// cannot hold text with other control characters.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// parseRecord reads one record file: file is its path (for messages), name
// its file name (PresenceSyncRule.<DeveloperName>.md-meta.xml). It reports
// every problem, each located in the XML; the record is nil when the file
// cannot be read as a record at all.
func parseRecord(file string, data []byte) (*Record, Problems) {
	base := file[strings.LastIndexAny(file, `/\`)+1:]
	r := &Record{File: file, data: data, Values: map[string]Value{}, labelOff: -1, valueOffs: map[string]int{},
		DeveloperName: strings.TrimSuffix(strings.TrimPrefix(base, filePrefix), fileSuffix)}
	var ps Problems
	add := func(code, fieldName string, off int, msg string) {
		ps = append(ps, r.problem(rules.SeverityError, code, fieldName, off, msg))
	}
	if why := ValidDeveloperName(r.DeveloperName); why != "" {
		add("record-name", "DeveloperName", -1, quote(r.DeveloperName)+" (from the file name) is not a valid record name: "+why)
	}
	p := &xmlReader{dec: xml.NewDecoder(bytes.NewReader(data))}
	root, err := p.element()
	if err != nil {
		add("xml", "", p.errOff, "the file is not well-formed XML: "+err.Error())
		return nil, ps
	}
	if root == nil || root.name.Local != "CustomMetadata" || root.name.Space != nsMetadata {
		add("xml", "", 0, "the file is not a custom metadata record: its root element must be <CustomMetadata xmlns=\""+nsMetadata+"\">")
		return nil, ps
	}
	seenLabel, seenProtected := false, false
	for _, c := range root.children {
		switch c.name.Local {
		case "label":
			if seenLabel {
				add("duplicate-field", "MasterLabel", c.off, "the record has two labels")
			}
			seenLabel = true
			r.Label, r.labelOff = c.text, c.textOff
		case "protected":
			if seenProtected {
				add("duplicate-field", "protected", c.off, "the record says twice whether it is protected")
			}
			seenProtected = true
			if c.text != "true" && c.text != "false" {
				add("value-type", "protected", c.textOff, "protected must be true or false, got "+quote(c.text))
			}
			r.Protected = c.text == "true"
		case "description":
			// The record's own description (not Description__c): nothing reads it.
		case "values":
			r.value(c, add)
		default:
			add("unknown-element", "", c.off, "<"+c.name.Local+"> is not an element of a custom metadata record (label, protected, description, values)")
		}
	}
	switch n := len([]rune(r.Label)); {
	case !seenLabel || strings.TrimSpace(r.Label) == "":
		add("missing-field", "MasterLabel", max(r.labelOff, root.textOff), "the record has no label: its label (MasterLabel) is the rule's name")
	case n > MaxLabel:
		add("too-long", "MasterLabel", r.labelOff, "the label has "+itoa(n)+" characters, at most "+itoa(MaxLabel))
	}
	return r, ps
}

// value reads one <values> element: its field and its value, checked against
// the field's kind and limit.
func (r *Record) value(c *xmlElement, add func(code, field string, off int, msg string)) {
	var name *xmlElement
	var val *xmlElement
	for _, g := range c.children {
		switch g.name.Local {
		case "field":
			name = g
		case "value":
			val = g
		default:
			add("unknown-element", "", g.off, "<"+g.name.Local+"> is not an element of <values> (field, value)")
		}
	}
	if name == nil || val == nil {
		add("xml", "", c.off, "<values> needs a <field> and a <value>")
		return
	}
	f := fieldNamed(name.text)
	if f == nil {
		msg := quote(name.text) + " is not a field of " + TypeName
		if s := suggestField(name.text); s != "" {
			msg += "; did you mean " + quote(s) + "?"
		}
		add("unknown-field", "", name.textOff, msg+" Fields: "+strings.Join(fieldNames(), ", ")+".")
		return
	}
	if _, dup := r.Values[f.name]; dup {
		add("duplicate-field", f.name, name.textOff, f.name+" is given twice")
		return
	}
	v := Value{Text: val.text, XSIType: val.attr(nsXSI, "type"), Nil: val.attr(nsXSI, "nil") == "true"}
	r.Values[f.name] = v
	r.valueOffs[f.name] = val.textOff
	if v.Nil {
		r.valueOffs[f.name] = val.off // <value xsi:nil="true"/>: at the element
		return
	}
	if !slices.Contains(xsiTypes[f.kind], v.XSIType) {
		add("value-type", f.name, val.off, f.name+" is a "+kindNames[f.kind]+" field: its value needs xsi:type=\""+xsiTypes[f.kind][0]+"\", not "+quote(v.XSIType))
		return
	}
	switch f.kind {
	case kindCheckbox:
		if v.Text != "true" && v.Text != "false" {
			add("value-type", f.name, val.textOff, f.name+" must be true or false, got "+quote(v.Text))
		}
	case kindNumber:
		if _, ok := wholeNumber(v.Text, f.limit); !ok && strings.TrimSpace(v.Text) != "" {
			add("value-type", f.name, val.textOff, f.name+" must be a whole number of at most "+itoa(f.limit)+" digits, got "+quote(v.Text))
		}
	default:
		if n := len([]rune(v.Text)); n > f.limit {
			add("too-long", f.name, val.textOff, f.name+" holds "+itoa(n)+" characters, at most "+itoa(f.limit))
		}
	}
}

// problem makes a problem about this record, located at off in its file.
func (r *Record) problem(sev rules.Severity, code, fieldName string, off int, msg string) Problem {
	p := Problem{Diagnostic: rules.Diagnostic{Severity: sev, Code: code, RuleIndex: -1, Field: fieldName, Message: msg},
		File: r.File, Record: r.DeveloperName}
	if off >= 0 && r.data != nil {
		p.Line, p.Column, p.Snippet = rules.Locate(r.data, off)
	}
	return p
}

// suggestField finds the field meant by a name written with another case or
// without its underscores or suffix ("operand_a__c", "OperandA").
func suggestField(name string) string {
	fold := func(s string) string {
		s = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(s, "__c"), "__C"))
		return strings.ReplaceAll(s, "_", "")
	}
	for _, f := range fields {
		if fold(f.name) == fold(name) {
			return f.name
		}
	}
	return ""
}

// xmlElement is an element of a record file, with where it and its text start.
type xmlElement struct {
	name     xml.Name
	attrs    []xml.Attr
	text     string
	off      int // where the element starts
	textOff  int // where its content starts
	children []*xmlElement
}

func (e *xmlElement) attr(space, local string) string {
	for _, a := range e.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// xmlReader reads a whole record file into elements with their offsets.
type xmlReader struct {
	dec    *xml.Decoder
	errOff int
	depth  int
}

// element reads the document's root element.
func (p *xmlReader) element() (*xmlElement, error) {
	for {
		off := int(p.dec.InputOffset())
		tok, err := p.dec.Token()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			p.errOff = int(p.dec.InputOffset())
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			root, err := p.read(t, off)
			if err != nil {
				return nil, err
			}
			// Only whitespace, comments and processing instructions may follow.
			for {
				tok, err := p.dec.Token()
				if err == io.EOF {
					return root, nil
				}
				if err != nil {
					p.errOff = int(p.dec.InputOffset())
					return nil, err
				}
				if cd, ok := tok.(xml.CharData); ok && len(bytes.TrimSpace(cd)) > 0 || isStart(tok) {
					p.errOff = int(p.dec.InputOffset())
					return nil, errors.New("content after the root element")
				}
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				p.errOff = off
				return nil, errors.New("text before the root element")
			}
		}
	}
}

func isStart(tok xml.Token) bool { _, ok := tok.(xml.StartElement); return ok }

// read reads the element that start opens, its children and its text.
func (p *xmlReader) read(start xml.StartElement, off int) (*xmlElement, error) {
	if p.depth++; p.depth > 16 {
		p.errOff = off
		return nil, errors.New("elements nested too deep for a record")
	}
	defer func() { p.depth-- }()
	e := &xmlElement{name: start.Name, attrs: start.Attr, off: off, textOff: int(p.dec.InputOffset())}
	var text strings.Builder
	for {
		o := int(p.dec.InputOffset())
		tok, err := p.dec.Token()
		if err != nil {
			if err == io.EOF {
				err = errors.New("unexpected end of the file: <" + start.Name.Local + "> is not closed")
			}
			p.errOff = int(p.dec.InputOffset())
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			c, err := p.read(t, o)
			if err != nil {
				return nil, err
			}
			e.children = append(e.children, c)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			e.text = text.String()
			if len(e.children) > 0 && strings.TrimSpace(e.text) != "" {
				p.errOff = e.textOff
				return nil, errors.New("<" + start.Name.Local + "> mixes text and elements")
			}
			return e, nil
		}
	}
}

// Profiles is the record's Profiles__c: the profiles it applies to ("": all).
func (r *Record) Profiles() string { return r.raw(FieldProfiles) }
