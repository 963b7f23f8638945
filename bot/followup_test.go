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
