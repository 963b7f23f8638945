// Package data holds the inert files Verbatim ships inside its binary: the
// sample library that makes the bot answer out of the box, and the
// evaluation questions that measure retrieval over it. It has no logic;
// cmd ingests Corpus and tests read Eval.
package data

import "embed"

// Corpus is the sample library. Its documents sit under "sample/" (for
// example sample/ukraine-nato-compromise.txt), so load it with
// retrieval.LoadDocuments(data.Corpus, "sample", meta).
//
//go:embed sample
var Corpus embed.FS

// Eval holds eval/questions.jsonl: one JSON object per line, either
// {"question", "speaker", "words"} for a question the sample library
// answers (a result is relevant when its speaker equals "speaker", if
// given, or its text contains any of "words", ignoring case) or
// {"question", "none": true} for one it must answer with nothing found.
//
//go:embed eval
var Eval embed.FS
