package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/presence-sync/presence-sync/rules/metadata"
)

var exportCommand = &command{
	name:    "export-metadata",
	args:    "[--catalog FILE] [--prune] RULES.json DIR",
	summary: "write rules as PresenceSyncRule custom metadata records in DIR/customMetadata",
	about: `Writes each rule as a record of the custom metadata type PresenceSyncRule__mdt, in
DIR/customMetadata/PresenceSyncRule.<Name>.md-meta.xml (DIR is typically
force-app/main/default): MasterLabel is the rule's name, Order__c its place (10, 20,
30...), the other fields the rule's. A one-criterion rule fills Operand A, Comparator and
Operand B; a group, or a criterion those fields cannot hold exactly (a number as a Static
Value), goes in Criteria__c as JSON. <Name> is derived from the rule's name; a record of
DIR labelled with the rule's name keeps its Name, Profiles__c and protected. What records
cannot hold is refused, located, and nothing is written; the document's catalogs and
options go to the --catalog file. A record of DIR that no rule names stops the export,
unless --prune removes it.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		catalog := fs.String("catalog", "", "write the document's catalogs, options, $schema and description (which records cannot hold) to `FILE`")
		prune := fs.Bool("prune", false, "remove the records of DIR that no rule of the document names")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) != 2 {
				return usageError("export-metadata", stderr, "give a rules file and the folder to write the records in")
			}
			return exportMetadata(files[0], files[1], *catalog, *prune, stdout, stderr)
		}
	},
}

var importCommand = &command{
	name:    "import-metadata",
	args:    "[--catalog FILE] [--profile NAME] DIR",
	summary: "print the rules document a folder of PresenceSyncRule records holds",
	about: `Reads the PresenceSyncRule records of DIR/customMetadata (or of DIR itself) and prints the
rules document they hold, as the softphone builds it: one rule per record, in Order__c
order (ties by Name), name from MasterLabel, active from Active__c, criteria from the
operand fields or Criteria__c. Every record is read, whatever its Profiles__c, unless
--profile keeps only those that apply to one profile. A record that cannot be read is
reported, located, and nothing is printed.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		catalog := fs.String("catalog", "", "add the catalogs and options of `FILE` (written by export-metadata --catalog) to the document")
		profile := fs.String("profile", "", "keep only the records that apply to the profile `NAME`, as the softphone does for its users")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) != 1 {
				return usageError("import-metadata", stderr, "give one folder of records")
			}
			return importMetadata(files[0], *catalog, *profile, stdout, stderr)
		}
	},
}

func exportMetadata(rulesPath, dir, catalog string, prune bool, stdout, stderr io.Writer) int {
	data, err := readInput(rulesPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	existing, problems, err := metadata.Existing(dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if problems.HasErrors() {
		fmt.Fprintln(stderr, problems.String())
		fmt.Fprintf(stderr, "%s: records that cannot be read are in the way: fix or remove them; nothing was written\n", metadata.TargetDir(dir))
		return 1
	}
	x, diags := metadata.Export(data, existing)
	if diags != nil {
		for _, d := range diags {
			fmt.Fprintf(stderr, "%s: %s\n", rulesPath, d.String())
		}
		fmt.Fprintf(stderr, "%s: not exported: %s; nothing was written\n", rulesPath, plural(len(diags), "error"))
		return 1
	}
	if len(x.SideKeys) > 0 && catalog == "" {
		fmt.Fprintf(stderr, "%s: %s cannot be held by records: give --catalog FILE to write them there (import-metadata, lint and explain read them back with --catalog FILE); nothing was written\n",
			rulesPath, quoteAll(x.SideKeys))
		return 1
	}
	var remove []*metadata.Record
	if len(x.Stale) > 0 {
		if !prune {
			var names []string
			for _, r := range x.Stale {
				names = append(names, r.FileName()+" ("+quote(r.Label)+")")
			}
			fmt.Fprintf(stderr, "%s: no rule of %s names %s: give --prune to remove them (a deploy does not delete records from the org); nothing was written\n",
				metadata.TargetDir(dir), rulesPath, strings.Join(names, ", "))
			return 1
		}
		remove = x.Stale
	}
	written, removed, err := metadata.Write(dir, x.Records, remove)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for i, r := range x.Records {
		file := strings.TrimSuffix(metadata.TargetDir(dir), "/") + "/" + r.FileName()
		verb := "unchanged"
		for _, w := range written {
			if strings.HasSuffix(w, r.FileName()) {
				verb = "wrote    "
			}
		}
		fmt.Fprintf(stdout, "%s %s: rules[%d] %s\n", verb, file, i, quote(r.Label))
	}
	for _, f := range removed {
		fmt.Fprintf(stdout, "removed   %s\n", f)
	}
	if catalog != "" {
		var b bytes.Buffer
		side := x.Side
		if side == nil {
			side = []byte("{}")
		}
		_ = json.Indent(&b, side, "", "  ")
		b.WriteByte('\n')
		if err := os.WriteFile(catalog, b.Bytes(), 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		what := "nothing records cannot hold"
		if len(x.SideKeys) > 0 {
			what = strings.Join(x.SideKeys, ", ")
		}
		fmt.Fprintf(stdout, "wrote     %s: %s\n", catalog, what)
	}
	return 0
}

func importMetadata(dir, catalog, profile string, stdout, stderr io.Writer) int {
	if !metadata.IsFolder(dir) {
		fmt.Fprintf(stderr, "%s: not a folder: import-metadata reads a folder of records (DIR/customMetadata/PresenceSyncRule.<Name>.md-meta.xml)\n", dir)
		return 1
	}
	src, err := loadRules(dir, catalog, profile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	f := src.folder
	if len(f.Problems) > 0 {
		fmt.Fprintln(stderr, f.Problems.String())
	}
	if f.Problems.HasErrors() {
		errs, _ := f.Problems.Count()
		fmt.Fprintf(stderr, "%s: not imported: %s\n", dir, plural(errs, "error"))
		return 1
	}
	for _, r := range f.Skipped {
		fmt.Fprintf(stderr, "%s: left out: Profiles__c is %s, not %s\n", r.File, quote(r.Profiles()), quote(profile))
	}
	if profile == "" {
		for _, r := range f.Records {
			if p := r.Profiles(); strings.TrimSpace(p) != "" {
				fmt.Fprintf(stderr, "%s: note: applies only to the profiles %s; the document holds every record (--profile NAME: one profile's rules)\n", r.File, quote(p))
			}
		}
	}
	_, _ = stdout.Write(f.Document)
	return 0
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}
