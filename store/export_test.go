package store

// ResolveCountCap is resolveCountCap, for the tests of package store_test.
const ResolveCountCap = resolveCountCap
