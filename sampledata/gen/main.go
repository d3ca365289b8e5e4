// Command gen regenerates the sample data set of package sampledata:
//
//	go run ./sampledata/gen [-out sampledata] [-seed 20261128]
//
// The output depends only on the seed, so the checked-in files can be reproduced byte for byte.
package main

import (
	"flag"
	"fmt"
	"os"

	"feedbackpipe/sampledata/generate"
)

func main() {
	out := flag.String("out", "sampledata", "directory to write conversations.jsonl, labels.csv and intercom_sample.json to")
	seed := flag.Uint64("seed", generate.DefaultSeed, "random seed")
	flag.Parse()
	if err := generate.Write(*out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
