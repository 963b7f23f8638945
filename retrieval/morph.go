package retrieval

import "strings"

// Irregular English verbs: a stemmer leaves "went" and "go" apart, so a
// question asking why Russia "did go" to war would miss a text saying it
// "went". Each line is a base form and its irregular forms; ranking folds
// every form onto the base, and the FTS query asks for all of them.
var irregularVerbs = `
arise arose arisen
be was were been
bear bore borne born
beat beaten
become became
begin began begun
bid
bind bound
bite bit bitten
blow blew blown
break broke broken
bring brought
build built
buy bought
catch caught
choose chose chosen
come came
deal dealt
do did done
draw drew drawn
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feel felt
fight fought
find found
flee fled
fly flew flown
forbid forbade forbidden
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grow grew grown
hang hung
have had
hear heard
hide hid hidden
hold held
keep kept
know knew known
lay laid
lead led
leave left
lend lent
lie lay lain
lose lost
make made
mean meant
meet met
pay paid
ride rode ridden
ring rang rung
rise rose risen
run ran
say said
see saw seen
seek sought
sell sold
send sent
shake shook shaken
shoot shot
sing sang sung
sink sank sunk
sit sat
sleep slept
speak spoke spoken
spend spent
stand stood
steal stole stolen
strike struck stricken
swear swore sworn
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
understand understood
wake woke woken
wear wore worn
win won
withdraw withdrew withdrawn
write wrote written
`

// irregularBase maps an irregular form to its base; irregularForms maps a
// base to all its forms, itself included.
var irregularBase, irregularForms = func() (map[string]string, map[string][]string) {
	base := make(map[string]string)
	forms := make(map[string][]string)
	for _, line := range strings.Split(strings.TrimSpace(irregularVerbs), "\n") {
		f := strings.Fields(line)
		for _, w := range f[1:] {
			if _, ok := base[w]; !ok {
				base[w] = f[0]
			}
		}
		forms[f[0]] = f
	}
	// Forms that are also common words of another meaning stay apart:
	// "left" (the side), "found" (to found), "lay", "saw", "bound", "lead",
	// "rose", "won" (currency), "lie".
	for _, w := range []string{"left", "found", "lay", "saw", "bound", "rose", "lie", "won", "lain"} {
		delete(base, w)
	}
	return base, forms
}()

// lemma returns the base form of an irregular verb form, or w itself.
func lemma(w string) string {
	if b, ok := irregularBase[w]; ok {
		return b
	}
	return w
}

// variants returns the other irregular forms that share w's base ("go" →
// "went", "gone"), not including w. Forms kept apart by irregularBase are
// not offered either.
func variants(w string) []string {
	b := lemma(w)
	var out []string
	for _, f := range irregularForms[b] {
		if f != w && lemma(f) == b {
			out = append(out, f)
		}
	}
	return out
}
