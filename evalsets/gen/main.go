// Command gen writes the evaluation sets under evalsets/: for each set a conversations.jsonl
// (the import format of sampledata/conversations.jsonl) and a labels.csv (`conversation_id,label`,
// noise labels start with noise_).
//
//	go run ./evalsets/gen [-out evalsets]
//
// The output depends only on the fixed seed, so the checked-in files are reproducible.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

const seed = 20261130

func main() {
	out := flag.String("out", "evalsets", "directory to write the sets to")
	flag.Parse()
	for _, s := range []set{devtoolSet(), storeSet(), mobileSet(), bookingSet(), invoicingSet()} {
		if err := s.write(filepath.Join(*out, s.name), seed); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
