package ingest

import (
	"errors"
	"io"
	"os"

	"feedbackpipe/conversation"
)

// Files reads several conversation files one after the other, each opened only when
// the previous one is done, for one streaming import.
type Files struct {
	paths        []string
	skipInvalid  bool
	file         *os.File
	cur          *Reader
	skipped      []*Error
	skippedCount int
}

// NewFiles returns a reader of the files at paths, in order.
func NewFiles(paths []string, skipInvalid bool) *Files {
	return &Files{paths: paths, skipInvalid: skipInvalid}
}

// Next returns the next conversation of the files (see Reader.Next), or io.EOF after
// the last one.
func (fs *Files) Next() (*conversation.Conversation, error) {
	for {
		if fs.cur == nil {
			if len(fs.paths) == 0 {
				return nil, io.EOF
			}
			path := fs.paths[0]
			fs.paths = fs.paths[1:]
			f, err := os.Open(path)
			if err != nil {
				return nil, err // *fs.PathError: "open PATH: …"
			}
			fs.file = f
			if fs.cur, err = NewReader(path, f, fs.skipInvalid); err != nil {
				fs.closeFile()
				return nil, err
			}
		}
		c, err := fs.cur.Next()
		if !errors.Is(err, io.EOF) {
			return c, err
		}
		fs.skippedCount += fs.cur.SkippedCount()
		fs.skipped = append(fs.skipped, fs.cur.Skipped()[:min(len(fs.cur.Skipped()), MaxListedSkips-len(fs.skipped))]...)
		fs.closeFile()
	}
}

// Skipped lists the first MaxListedSkips records skipped in the files read to the end.
func (fs *Files) Skipped() []*Error { return fs.skipped }

// SkippedCount counts the records skipped in the files read to the end.
func (fs *Files) SkippedCount() int { return fs.skippedCount }

// Close closes the file being read, if any.
func (fs *Files) Close() { fs.closeFile() }

func (fs *Files) closeFile() {
	if fs.file != nil {
		_ = fs.file.Close()
	}
	fs.file, fs.cur = nil, nil
}
