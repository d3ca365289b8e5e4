package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// benchStore migrates a fresh database and opens a store on it, closed when the benchmark ends.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	url := testenv.Database(b)
	_, err := store.Migrate(url)
	require.NoError(b, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(b, err)
	b.Cleanup(st.Close)
	return st
}

// drain runs do on every item of items from n goroutines at once, and returns when all are done.
func drain[T any](n int, items <-chan T, do func(T)) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				do(it)
			}
		}()
	}
	wg.Wait()
}
