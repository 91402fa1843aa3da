package metadata

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
)

// TargetDir is where Export's records go for a folder dir: dir/customMetadata,
// or dir itself when it is a customMetadata folder.
func TargetDir(dir string) string {
	if filepath.Base(filepath.Clean(dir)) == FolderName {
		return dir
	}
	return filepath.Join(dir, FolderName)
}

// Existing reads the records already in a folder Export writes to (none when
// it does not exist yet), with the problems of those that cannot be read.
func Existing(dir string) ([]*Record, Problems, error) {
	target := TargetDir(dir)
	files, err := recordFiles(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, errors.New(target + ": " + unwrapPath(err).Error())
	}
	var records []*Record
	var problems Problems
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		r, ps := parseRecord(file, data)
		problems = append(problems, ps...)
		if r != nil {
			records = append(records, r)
		}
	}
	return records, problems, nil
}

// Write writes records into TargetDir(dir), creating it, and removes the
// files of the records in remove. A file that already holds the same bytes is
// not rewritten. It returns the files written and removed.
func Write(dir string, records, remove []*Record) (written, removed []string, err error) {
	target := TargetDir(dir)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return nil, nil, err
	}
	for _, r := range records {
		file := filepath.Join(target, r.FileName())
		data := r.Marshal()
		if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return written, removed, err
		}
		written = append(written, file)
	}
	for _, r := range remove {
		if err := os.Remove(r.File); err != nil {
			return written, removed, err
		}
		removed = append(removed, r.File)
	}
	return written, removed, nil
}
