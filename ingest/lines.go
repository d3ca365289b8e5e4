package ingest

import (
	"bytes"
	"errors"
	"io"
)

// errRecordTooLarge stops a decoder that reads past the byte limit of one record.
var errRecordTooLarge = errors.New("record too large")

// lineCounter passes a reader through, remembering where the line ends are that a
// decoder has read but not yet asked about, so that a byte offset of the decoder
// can be turned into a line number. Offsets must be asked in increasing order; the
// line ends before an offset asked are forgotten, so memory stays bounded by the
// decoder's read-ahead. It also refuses to read past limit (when limit ≥ 0), which
// bounds what the decoder buffers for one value.
type lineCounter struct {
	r       io.Reader
	read    int64   // bytes passed through
	limit   int64   // offset not to read past; -1: none
	line    int     // line of the byte at offset done
	pending []int64 // offsets of line ends read at or after done
}

func (lc *lineCounter) Read(p []byte) (int, error) {
	if lc.limit >= 0 {
		if lc.read >= lc.limit {
			return 0, errRecordTooLarge
		}
		p = p[:min(int64(len(p)), lc.limit-lc.read)]
	}
	n, err := lc.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		lc.pending = append(lc.pending, lc.read+int64(i+j))
		i += j + 1
	}
	lc.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of the byte at offset off (relative to where the
// counter started).
func (lc *lineCounter) lineAt(off int64) int {
	i := 0
	for i < len(lc.pending) && lc.pending[i] < off {
		i++
	}
	lc.line += i
	lc.pending = lc.pending[i:]
	if len(lc.pending) == 0 {
		lc.pending = nil // let the array go
	}
	return lc.line
}
