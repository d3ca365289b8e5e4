// Package review is the story review: one strict JSON-schema LLM call per candidate group that
// keeps it (and writes its story), splits it into sub-groups, or rejects it as not one
// actionable issue. It holds the schema, the prompt (members sent under short local references
// m1..mN, never their IDs), the validation of answers, and the mapping of an answer back to the
// group's members.
package review
