package bot

import (
	"strconv"
	"testing"
)

func TestThreadStore(t *testing.T) {
	ts := newThreadStore(3)
	for i := range 5 {
		ts.put(strconv.Itoa(i), starter{guildID: "g", question: "q" + strconv.Itoa(i)})
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := ts.get(strconv.Itoa(i), "g"); ok != want {
			t.Errorf("answer %d remembered: %v, want %v (the oldest are forgotten)", i, ok, want)
		}
	}
	if s, ok := ts.get("4", "g"); !ok || s.question != "q4" {
		t.Errorf("get 4 = %+v, %v", s, ok)
	}
	if _, ok := ts.get("4", "other"); ok {
		t.Error("an answer from one server starts follow-ups in another")
	}
	ts.put("", starter{guildID: "g"})
	if _, ok := ts.get("", "g"); ok {
		t.Error("an empty message id was remembered")
	}
}

func TestEchoedQuestion(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{"**Q:** Why did Russia go to war?", "Why did Russia go to war?"},
		{"**Q:** what about \\*\\*this\\*\\* and \\`code\\`? · *from the collection “Week 3”*", "what about **this** and `code`?"},
		{"**Compare:** NATO enlargement · 4 speakers", "NATO enlargement"},
		{"**Q:** a long question cut short…", "a long question cut short"},
		{"**Follow-up:** and then?", ""},
		{"**Quotes from Jens Stoltenberg** (1–3 of 4)", ""},
		{"", ""},
	} {
		if got := echoedQuestion(tc.content); got != tc.want {
			t.Errorf("echoedQuestion(%q) = %q, want %q", tc.content, got, tc.want)
		}
	}
	// What echo writes, echoedQuestion reads back.
	q := "Is *NATO* <@123> a [threat](x) to ~~Russia~~?"
	if got := echoedQuestion(echo("**Q:**", q) + scopeNote("Week 3")); got != q {
		t.Errorf("round trip: %q, want %q", got, q)
	}
}
