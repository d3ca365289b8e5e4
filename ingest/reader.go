package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"feedbackpipe/conversation"
)

// MaxListedSkips is how many skipped records a Reader lists; it counts them all.
const MaxListedSkips = 1000

// Reader yields the conversations of one file one at a time, so that a file of any
// size is imported in constant memory.
type Reader struct {
	name         string
	skipInvalid  bool
	format       string
	src          source
	skipped      []*Error
	skippedCount int
}

// source is a format's record reader.
type source interface {
	// next returns the next record and the line it starts on, or the problem of a
	// bad record (which may be skipped), or io.EOF at the end, or an error that ends
	// the read.
	next() (*conversation.Conversation, int, *fieldError, error)
}

// NewReader tells the format of the file r holds from its first significant byte and
// returns a Reader of it; name is used in errors.
func NewReader(name string, r io.Reader, skipInvalid bool) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	// Skip leading white space, counting lines, to find the first significant byte.
	line := 1
	rd := &Reader{name: name, skipInvalid: skipInvalid, format: FormatJSONL}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			rd.src = emptySource{} // empty file: nothing to import
			return rd, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if isSpace(c) {
			if c == '\n' {
				line++
			}
			continue
		}
		_ = br.UnreadByte()
		if c == '[' {
			rd.format = FormatIntercom
			rd.src = newIntercomSource(name, br, line)
		} else {
			rd.src = &jsonlSource{br: br, line: line - 1}
		}
		return rd, nil
	}
}

// Format is FormatJSONL or FormatIntercom.
func (rd *Reader) Format() string { return rd.format }

// Skipped lists the first MaxListedSkips records skipped so far.
func (rd *Reader) Skipped() []*Error { return rd.skipped }

// SkippedCount counts the records skipped so far.
func (rd *Reader) SkippedCount() int { return rd.skippedCount }

// Next returns the next valid conversation, cleaned (see the package doc), or io.EOF
// at the end of the file. A bad record is returned as an *Error unless skipInvalid
// was set, in which case it is noted and the next record is read; an error that
// ends the read (malformed JSON in an Intercom export, a read error) is returned
// either way.
func (rd *Reader) Next() (*conversation.Conversation, error) {
	for {
		c, line, fe, err := rd.src.next()
		if err != nil {
			var e *Error
			if errors.As(err, &e) || errors.Is(err, io.EOF) {
				return nil, err
			}
			if line > 0 {
				return nil, fmt.Errorf("%s: line %d: %w", rd.name, line, err)
			}
			return nil, fmt.Errorf("%s: %w", rd.name, err)
		}
		if fe == nil {
			c.Clean()
			if err := c.Validate(); err != nil {
				fe = &fieldError{reason: err.Error()}
				var cfe *conversation.FieldError
				if errors.As(err, &cfe) {
					fe = &fieldError{field: cfe.Field, reason: cfe.Reason}
				}
			}
		}
		if fe == nil {
			return c, nil
		}
		e := &Error{File: rd.name, Line: line, Field: fe.field, Reason: fe.reason}
		if !rd.skipInvalid {
			return nil, e
		}
		rd.skippedCount++
		if len(rd.skipped) < MaxListedSkips {
			rd.skipped = append(rd.skipped, e)
		}
	}
}

type emptySource struct{}

func (emptySource) next() (*conversation.Conversation, int, *fieldError, error) {
	return nil, 0, nil, io.EOF
}
