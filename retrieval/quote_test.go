package retrieval_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// MustCheckSlices fails unless every quote and mention in a is a byte-exact
// slice of text: the package's central invariant.
func MustCheckSlices(tb testing.TB, text string, a retrieval.Analysis) {
	tb.Helper()
	for _, q := range a.Quotes {
		require.True(tb, q.Start >= 0 && q.Start <= q.End && q.End <= len(text), "quote span %v out of range", q.Span)
		require.Equal(tb, text[q.Start:q.End], q.Text, "quote text is not its slice")
		require.True(tb, utf8.ValidString(q.Text) || !utf8.ValidString(text))
		if q.SpeakerMention != nil {
			m := *q.SpeakerMention
			require.True(tb, m.Start >= 0 && m.Start <= m.End && m.End <= len(text), "mention span %v out of range", m)
		}
	}
	for _, s := range a.Sentences {
		require.True(tb, s.Start >= 0 && s.Start <= s.End && s.End <= len(text))
	}
}

func TestAnalyze_Quotations(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string // quote texts, in order
	}{
		{"Curly", "He said “we will win.” Then he left.", []string{"we will win."}},
		{"Straight", `He said "we will win." Then he left.`, []string{"we will win."}},
		{"TrailingCommaDropped", `"No, no, and no again," Ryabkov said.`, []string{"No, no, and no again"}},
		{"NestedSingle", "“We won’t say ‘Fine, you know, we won’t go into NATO’ – ever,” she said.", []string{"We won’t say ‘Fine, you know, we won’t go into NATO’ – ever"}},
		{"SeveralSentences", "“It was the most important thing. They were prepared to end the war.” Then talks stopped.", []string{"It was the most important thing. They were prepared to end the war."}},
		{"Split", "“We will win,” he said. “There is no doubt.”", []string{"We will win", "There is no doubt."}},
		{"EllipsisAndBrackets", "He says that “no more enlargement… [Putin] went to war.”", []string{"no more enlargement… [Putin] went to war."}},
		{"MultiParagraph", "She said: “The first part goes on.\n“And the second part ends here.”\nNext paragraph.", []string{"The first part goes on.\n“And the second part ends here."}},
		{"StrayClosingMark", "The U.S. will lead a ceasefire mechanism.” The agreement holds.", nil},
		{"ScareQuote", "Though dressed up as a “compromise,” the deal was done.", []string{"compromise"}},
		{"Guillemets", "Il a dit «nous gagnerons» hier.", []string{"nous gagnerons"}},
		{"EmptyQuotes", `He said "" and left.`, nil},
		{"UnclosedShortIsStray", `The "odd mark stays`, nil},
		{"TranscriptTurns", "Partial transcript as follows:\n\n\"WALLACE: Will she be there?\n\n\"(CROSSTALK.)\n\n\"PENCE: Well, look, this is “Shark Tank.” She will not.\n\nNext story.", []string{"Will she be there?", "Well, look, this is “Shark Tank.” She will not."}},
		{"DoubleApostrophes", "''It isn't reform,'' Mr. Cole said of the ''Buffett rule.''", []string{"It isn't reform", "Buffett rule."}},
		{"ApostrophesInWordsAreNotMarks", "Trump's aides' plans, 'til now, said ''little.''", []string{"little."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := retrieval.Analyze(tc.text)
			MustCheckSlices(t, tc.text, a)
			var got []string
			for _, q := range a.Quotes {
				got = append(got, q.Text)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAnalyze_Fragments(t *testing.T) {
	a := retrieval.Analyze("It was a “compromise,” he said. He called it “a compromise on our part.” He said, “We will not accept any NATO troops on our territory.”")
	require.Len(t, a.Quotes, 3)
	assert.True(t, a.Quotes[0].Fragment, "a scare quote is a fragment")
	assert.True(t, a.Quotes[1].Fragment, "a short lower-case phrase is a fragment")
	assert.False(t, a.Quotes[2].Fragment, "a full statement is not a fragment")
}

func TestAnalyze_Sentences(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"Abbreviations", "U.S. officials met Mr. Smith on Sept. 5 in Washington. He left early.", []string{"U.S. officials met Mr. Smith on Sept. 5 in Washington.", "He left early."}},
		{"Initials", "J. D. Vance spoke. Gen. Milley listened.", []string{"J. D. Vance spoke.", "Gen. Milley listened."}},
		{"CountryAbbreviationEndsSentence", "The force is supported by the U.S. The agreement is binding.", []string{"The force is supported by the U.S.", "The agreement is binding."}},
		{"QuotedSentencesStayTogether", "He said, “It was over. We left.” Then he laughed.", []string{"He said, “It was over. We left.”", "Then he laughed."}},
		{"EllipsisMidSentence", "No more NATO enlargement… was a precondition. It ended.", []string{"No more NATO enlargement… was a precondition.", "It ended."}},
		{"QuestionAndExclamation", "Would Russia accept it? No! Never.", []string{"Would Russia accept it?", "No!", "Never."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := retrieval.Analyze(tc.text)
			var got []string
			for _, s := range a.Sentences {
				got = append(got, tc.text[s.Start:s.End])
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestAnalyze_Paragraphs(t *testing.T) {
	t.Run("Lines", func(t *testing.T) {
		a := retrieval.Analyze("One line.\nTwo line.\n\n")
		require.Len(t, a.Paragraphs, 2)
	})
	t.Run("BlankLineBlocks", func(t *testing.T) {
		text := "A hard-wrapped\nparagraph here.\n\nSecond one."
		a := retrieval.Analyze(text)
		require.Len(t, a.Paragraphs, 2)
		p := a.Paragraphs[0]
		assert.Equal(t, "A hard-wrapped\nparagraph here.", text[p.Start:p.End])
		assert.Equal(t, 2, a.Paragraphs[1].Index)
	})
}

func TestAnalyze_Attribution(t *testing.T) {
	for _, tc := range []struct {
		name        string
		text        string
		quote       string // prefix of the quote under test
		speaker     string
		title       string // expected role; "-" to skip the check
		mention     string // expected mention text; "" to skip the check
		minConf     float64
		unattibuted bool
	}{
		{name: "AppositiveRoleSaysThat",
			text:  "Jens Stoltenberg, NATO Secretary General at the start of the war, says that “no more NATO enlargement was a pre-condition.”",
			quote: "no more", speaker: "Jens Stoltenberg", title: "NATO Secretary General at the start of the war", mention: "Jens Stoltenberg", minConf: 0.8},
		{name: "TitleBeforeName",
			text:  "Russia’s Deputy Foreign Minister Sergei Ryabkov has reiterated that “under no circumstances are we prepared to support it.”",
			quote: "under no", speaker: "Sergei Ryabkov", title: "Russia’s Deputy Foreign Minister", minConf: 0.8},
		{name: "QuoteThenNameSaid",
			text:  "Sergei Ryabkov spoke first. “No, no, and no again,” Ryabkov said.",
			quote: "No, no", speaker: "Sergei Ryabkov", title: "-", mention: "Ryabkov", minConf: 0.8},
		{name: "QuoteThenSaidName",
			text:  "\"We will fight on,\" said Boris Johnson, the prime minister.",
			quote: "We will", speaker: "Boris Johnson", title: "-", mention: "Boris Johnson", minConf: 0.8},
		{name: "QuoteThenNominal",
			text:  "\"The plan is dead,\" a senior official said on Tuesday.",
			quote: "The plan", speaker: "a senior official", title: "-", minConf: 0.8},
		{name: "LowerCaseRoleBeforeName",
			text:  "Campaign manager Robby Mook said \"we are confident about the turnout in Ohio.\"",
			quote: "we are", speaker: "Robby Mook", title: "-", minConf: 0.8},
		{name: "AccordingToAfter",
			text:  "“The talks will resume in March,” according to Dmitry Peskov, the Kremlin spokesman.",
			quote: "The talks", speaker: "Dmitry Peskov", title: "-", minConf: 0.8},
		{name: "AccordingToBefore",
			text:  "According to Dmitry Peskov, “the talks will resume in March.”",
			quote: "the talks", speaker: "Dmitry Peskov", title: "-", minConf: 0.8},
		{name: "SaidComma",
			text:  "Volodymyr Zelensky met reporters. Zelensky said, in his first interview, “As far as I remember, they started the war because of this.”",
			quote: "As far", speaker: "Volodymyr Zelensky", title: "-", mention: "Zelensky", minConf: 0.8},
		{name: "PronounSheSkipsMan",
			text:  "Amanda Sloat, the former special assistant to President Biden, was caught suggesting a deal. “We had some conversations before the war started,” she said.",
			quote: "We had", speaker: "Amanda Sloat", title: "the former special assistant to President Biden", mention: "she", minConf: 0.6},
		{name: "PronounHe",
			text:  "Jens Stoltenberg spoke in Brussels. “We are ready to help Ukraine for as long as it takes,” he said.",
			quote: "We are", speaker: "Jens Stoltenberg", title: "-", mention: "he", minConf: 0.6},
		{name: "SplitQuoteSecondHalf",
			text:  "Jens Stoltenberg spoke. “We will win,” he said. “There is no doubt about that at all.”",
			quote: "There is", speaker: "Jens Stoltenberg", title: "-", minConf: 0.5},
		{name: "ContinuationInParagraph",
			text:  "Davyd Arakhamiia says that neutrality was the “key point” for Russia. “It was the most important thing for them.”",
			quote: "It was", speaker: "Davyd Arakhamiia", title: "-", minConf: 0.5},
		{name: "DocumentSpeaker",
			text:  "The agreement stipulates that there is a “legally binding commitment to take measures to restore peace.”",
			quote: "legally", speaker: "The agreement", title: "-", minConf: 0.8},
		{name: "DocumentThatStates",
			text:  "Hope died in the recently released 2025 National Security Strategy of the United States of America that states the priority of “Ending the perception of NATO as a perpetually expanding alliance.”",
			quote: "Ending", speaker: "2025 National Security Strategy of the United States of America", title: "-", minConf: 0.8},
		{name: "GroupSpeaker",
			text:  "American officials say that the security guarantee is “similar to those it would receive as part of NATO.”",
			quote: "similar", speaker: "American officials", title: "-", minConf: 0.8},
		{name: "PronounItDocument",
			text:  "The European Joint Statement on Ukraine ends with a promise. But it promises only that “These measures may include armed force.”",
			quote: "These", speaker: "European Joint Statement on Ukraine", title: "-", minConf: 0.4},
		{name: "WhoHasQuoted",
			text:  "The reality has been recognized by Volodymyr Zelensky who has “understood that NATO is not prepared to accept Ukraine.”",
			quote: "understood", speaker: "Volodymyr Zelensky", title: "-", minConf: 0.5},
		{name: "NameBeforeAndPronounAfter",
			text:  "But Mr Brown's former adviser Ed Balls spoke first. For the Lib Dems David Laws said: “The chancellor will tell us how wonderfully the economy is doing,” he said.",
			quote: "The chancellor", speaker: "David Laws", title: "-", mention: "David Laws", minConf: 0.8},
		{name: "SentenceAdverbIsNotAName",
			text:  "Later Ed Balls said “we agreed on everything.”",
			quote: "we agreed", speaker: "Ed Balls", title: "-", mention: "Ed Balls", minConf: 0.8},
		{name: "SplitQuoteAfterNamingTheSpeaker",
			text:  "“We will win,” Rendell said. “You look at the crowds, you think you are going to win.”",
			quote: "You look", speaker: "Rendell", title: "-", mention: "Rendell", minConf: 0.6},
		{name: "SplitQuoteOtherNamesInCueSentence",
			text:  "“We must act,” said Jo Verdery, an aide to George Bush. “In cases where the lists miss, there is more to do.”",
			quote: "In cases", speaker: "Jo Verdery", title: "-", mention: "Jo Verdery", minConf: 0.6},
		{name: "SplitQuoteNewSpeakerNamedBetween",
			text:  "“We must act,” said Jo Verdery. Bill Smith disagreed at length. “There is nothing to do.”",
			quote: "There is", speaker: "", title: "-"},
		{name: "QuoteThenAnyNounPhraseSaid",
			text:  "“It was very nice,” the gambling tycoon told Reuters.",
			quote: "It was", speaker: "the gambling tycoon", title: "-", mention: "the gambling tycoon", minConf: 0.8},
		{name: "QuoteThenSaidNounPhrase",
			text:  "“It was unseemly,” said one of two witnesses who asked not to be named.",
			quote: "It was", speaker: "one of two witnesses", title: "-", minConf: 0.8},
		{name: "QuoteThenLongAppositiveSaid",
			text:  "“Nothing we could do now would make a difference,” Fred Kagan, director of the Critical Threats Project at the hawkish American Enterprise Institute, said.",
			quote: "Nothing", speaker: "Fred Kagan", title: "director of the Critical Threats Project at the hawkish American Enterprise Institute", minConf: 0.8},
		{name: "QuestionThenNameSaid",
			text:  "“His strategy, it's all a show, no?” Freddy Ortega said.",
			quote: "His strategy", speaker: "Freddy Ortega", title: "-", mention: "Freddy Ortega", minConf: 0.8},
		{name: "ExclamationThenNameRepliedThenMore",
			text:  "“That is a false equivalency!” Maher replied. “How many attacks have there been?”",
			quote: "How many", speaker: "Maher", title: "-", mention: "Maher", minConf: 0.6},
		{name: "SplitQuoteAfterUnresolvedPronoun",
			text:  "“And what a tragedy,” he said. “No hugging. No kissing. That's the kind of contact they have.”",
			quote: "No hugging", speaker: "", title: "-", mention: "he"},
		{name: "OuterCueHoldsInner",
			text:  "Kevin Williamson argues in scoffing prose what he calls the “immoral lie” of the moment.",
			quote: "immoral", speaker: "Kevin Williamson", title: "-", mention: "Kevin Williamson", minConf: 0.8},
		{name: "ParticipleTakesMainSubject",
			text:  "Ted Cruz said he would stay in the race, adding that Donald Trump “relentlessly attacks us.”",
			quote: "relentlessly", speaker: "Ted Cruz", title: "-", mention: "Ted Cruz", minConf: 0.8},
		{name: "SecondVerbTakesFirstSubject",
			text:  "Lazar said he welcomed extradition and added, “I'll plead guilty, no problem.”",
			quote: "I'll", speaker: "Lazar", title: "-", mention: "Lazar", minConf: 0.8},
		{name: "CoordinatedClauseKeepsItsSubject",
			text:  "Trump said the polls were wrong, and Hillary Clinton said “they are right on the money.”",
			quote: "they are", speaker: "Hillary Clinton", title: "-", mention: "Hillary Clinton", minConf: 0.8},
		{name: "TranscriptTurnSpeaker",
			text:  "Mike Pence spoke to Chris Wallace.\n\n\"WALLACE: Will she be there?\n\n\"PENCE: Well, look, she will not be attending the debate.",
			quote: "Well, look", speaker: "Mike Pence", title: "-", mention: "PENCE", minConf: 0.8},
		{name: "ContinuedColon",
			text:  "The crowd cheers, and then Lance Wallnau continues: “God has given this man an anointing.”",
			quote: "God has", speaker: "Lance Wallnau", title: "-", mention: "Lance Wallnau", minConf: 0.8},
		{name: "ParticipleAfterIntroductoryPhrase",
			text:  "Hours later, Donald Trump returned the compliment, telling Reuters, “Sheldon and I have been friends for a long time.”",
			quote: "Sheldon", speaker: "Donald Trump", title: "-", mention: "Donald Trump", minConf: 0.8},
		{name: "NounPhraseSubject",
			text:  "The new ad claims “Jeb is the conservative you can trust.”",
			quote: "Jeb is", speaker: "The new ad", title: "-", mention: "The new ad", minConf: 0.8},
		{name: "AccordingToNounPhrase",
			text:  "According to the newspaper, “America’s porous gun laws empower dealers to sell weapons.”",
			quote: "America’s", speaker: "the newspaper", title: "-", minConf: 0.8},
		{name: "SaidNounThatIsAlsoAVerb",
			text:  "“It is about the minimum wage,” read the email.",
			quote: "It is", speaker: "the email", title: "-", minConf: 0.8},
		{name: "CommaWhoSaid",
			text:  "“That is a failure,” said Glenn Beck, who said there were “too many disturbing things for me to dismiss.”",
			quote: "too many", speaker: "Glenn Beck", title: "-", mention: "who", minConf: 0.8},
		{name: "AdjunctBeforeVerb",
			text:  "Glenn Beck spoke. Beck, who has in the past described Trump as “a pathological narcissistic sociopath,” left.",
			quote: "a pathological", speaker: "Glenn Beck", title: "-", mention: "who", minConf: 0.8},
		{name: "ParticipleAppositive",
			text:  "Bernie Sanders, celebrating a victory in his home state of Vermont, is pledging to “win many hundreds of delegates.”",
			quote: "win many", speaker: "Bernie Sanders", title: "", mention: "Bernie Sanders", minConf: 0.8},
		{name: "CueNounAfterQuote",
			text:  "Donald Trump called the system “rigged” in a tweet Tuesday.",
			quote: "rigged", speaker: "Donald Trump", title: "-", mention: "Donald Trump", minConf: 0.8},
		{name: "SubordinateClauseIsNotASubject",
			text:  "When Donald Trump first described the wall in December, he said, “We’re going to do a wall.”",
			quote: "We’re going", speaker: "Donald Trump", title: "-", mention: "he", minConf: 0.6},
		{name: "CueEndsParagraphBefore",
			text:  "Ted Cruz continued:\n\n“You look at the questions: are you a comic book villain?”",
			quote: "You look", speaker: "Ted Cruz", title: "-", mention: "Ted Cruz", minConf: 0.8},
		{name: "IndirectSpeechThenQuote",
			text:  "Ash Carter said that critics had predicted a withdrawal for decades. “That will not happen, not now and not later.”",
			quote: "That will", speaker: "Ash Carter", title: "-", mention: "Ash Carter", minConf: 0.5},
		{name: "SecondVerbAfterPlaceNames",
			text:  "Ben Carson took the stage Tuesday at the Grand Hotel in Baltimore and called the political system “rotten to the core.”",
			quote: "rotten", speaker: "Ben Carson", title: "-", mention: "Ben Carson", minConf: 0.8},
		{name: "PronounSkipsPlaceAfterPreposition",
			text:  "Donald Trump spoke at a rally in Michigan on Friday. He says: “I wonder why it was bad.”",
			quote: "I wonder", speaker: "Donald Trump", title: "-", mention: "He", minConf: 0.6},
		{name: "PronounSkipsCoordinatedNames",
			text:  "Mr. Obama met John Kerry. Later Kerry and Mr. Obama spoke. “My top science adviser issues reports,” he said.",
			quote: "My top", speaker: "-", title: "-", mention: "he"},
		{name: "PronounGenderFromFullNameOverridesGuess",
			text:  "Trump spoke. “Here comes Big Daddy,” she said. Donald Trump waved. “It is finished,” she said.",
			quote: "It is finished", speaker: "", title: "-", mention: "she"},
		{name: "PronounBeforeLaterName",
			text:  "Donald Trump said Democrats pressure the moderators. He cited criticism of NBC's Matt Lauer, who asked about the “Commander-In-Chief” forum.",
			quote: "Commander", speaker: "-", title: "-"},
		{name: "PronounPrefersLastSpeaker",
			text:  "Ted Cruz electrified the small crowds, Robert Stovall said. “He was very articulate, smart, well-spoken,” he said.",
			quote: "He was", speaker: "Robert Stovall", title: "-", mention: "he", minConf: 0.6},
		{name: "HonorificBeforeTitleWordAndAge",
			text:  "Mr. King, 82, said “I have never been edited or had a show of mine not run.”",
			quote: "I have", speaker: "King", title: "", mention: "Mr. King", minConf: 0.8},
		{name: "ScareQuoteUnattributed",
			text:  "Though dressed up as a “compromise,” the concession has long been a done deal.",
			quote: "compromise", unattibuted: true},
		{name: "NounNotVerb",
			text:  "The statement ends with the promise of a “legally binding commitment to take measures.”",
			quote: "legally", speaker: "-", title: "-"},
		{name: "UnlistedVerbAfterOpeningQuote",
			text:  "“Nobody asked us about the bridge,” Jane Doyle scoffed.",
			quote: "Nobody", speaker: "Jane Doyle", title: "-", mention: "Jane Doyle", minConf: 0.8},
		{name: "PartyInBrackets",
			text:  "“We will vote against it,” Sen. Mark Reyes (D-Ore.) said on Tuesday.",
			quote: "We will", speaker: "Sen. Mark Reyes", title: "-", mention: "Sen. Mark Reyes (D-Ore.)", minConf: 0.8},
		{name: "InvertedCueOpeningSentence",
			text:  "Stated Alma Reyes: “The count is over.”",
			quote: "The count", speaker: "Alma Reyes", title: "-", mention: "Alma Reyes", minConf: 0.8},
		{name: "DescriptionAfterName",
			text:  "Tom Berry, pastor of the First Church and a longtime organizer, said: “We pray for both of them.”",
			quote: "We pray", speaker: "Tom Berry", title: "-", mention: "Tom Berry", minConf: 0.8},
		{name: "NameOpeningClauseBeforePlaces",
			text:  "Anna Kowalski, during a town hall meeting in Columbus, Ohio, said she was “ready to listen to everyone.”",
			quote: "ready", speaker: "Anna Kowalski", title: "-", mention: "Anna Kowalski", minConf: 0.8},
		{name: "AccordingToAfterCue",
			text:  "“The vote was fair,” Ms. Lane said, according to the Daily Courier.",
			quote: "The vote", speaker: "Daily Courier", title: "-", mention: "Daily Courier", minConf: 0.8},
		{name: "SignatureLine",
			text:  "“Taxes went up every single year.”\n\n- Maria Gomez.\n\nThe claim is false.",
			quote: "Taxes", speaker: "Maria Gomez", title: "-", mention: "Maria Gomez", minConf: 0.8},
		{name: "NameBeforeColon",
			text:  "Rep. Dan Ortiz (R-Tex.): “I have not heard that figure before.”",
			quote: "I have", speaker: "Rep. Dan Ortiz", title: "-", mention: "Rep. Dan Ortiz (R-Tex.)"},
		{name: "GuessSentenceSubject",
			text:  "Harriet Cole praised the mayor and the council for “getting things done at last.”",
			quote: "getting", speaker: "Harriet Cole", title: "-", mention: "Harriet Cole"},
		{name: "GuessNominalSubject",
			text:  "The ad targets a “rigged economy where the lobbyists buy off elections.”",
			quote: "rigged", speaker: "The ad", title: "-", mention: "The ad"},
		{name: "GuessNotANominalSpeaker",
			text:  "The second is that the city keeps refusing, offering only to “provide early warning of any attack.”",
			quote: "provide", unattibuted: true},
		{name: "PersonBeforeAppositiveNamingAnOrganization",
			text:  "Dana Whitfield, a former candidate for mayor who now runs Northgate Logistics, labeled the plan “a waste of everyone's money.”",
			quote: "a waste", speaker: "Dana Whitfield", title: "-", mention: "Dana Whitfield", minConf: 0.8},
		{name: "GuessSubjectOfSentenceBefore",
			text:  "Marco Bellini distanced himself from the rest of the council last week.  “We need someone who gets things done and brings people together.”",
			quote: "We need", speaker: "Marco Bellini", title: "-", mention: "Marco Bellini"},
		{name: "ClauseAfterMidSentenceQuoteIsNoCue",
			text:  "Dana Brooks told reporters the plan was “reckless and rushed,” while Tom Reyes said it was a fair deal.",
			quote: "reckless", speaker: "Dana Brooks", title: "-", mention: "Dana Brooks", minConf: 0.8},
		{name: "DigestHeadlineBeforeQuote",
			text:  "WHAT'S NEW.\n\nWHY THE TOWN FAIR MOVED INDOORS “Organizers said the storms left them no choice this year.” [Daily Post.]",
			quote: "Organizers", speaker: "WHY THE TOWN FAIR MOVED INDOORS", title: "-", mention: "WHY THE TOWN FAIR MOVED INDOORS"},
		{name: "SubjectOfClauseBeforeColon",
			text:  "When Ed Morrow suggested the budget was balanced, Ruth Ellery fired back: “Not by any honest count.”",
			quote: "Not by", speaker: "Ruth Ellery", title: "-", mention: "Ruth Ellery", minConf: 0.8},
		{name: "CapitalisedStatesIsNotAVerb",
			text:  "Talks between the United States, Europe and Ukraine arrived at a force with a “European-led multinational force supported by the U.S.”",
			quote: "European", unattibuted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := retrieval.Analyze(tc.text)
			MustCheckSlices(t, tc.text, a)
			var q *retrieval.Quote
			for i := range a.Quotes {
				if strings.HasPrefix(a.Quotes[i].Text, tc.quote) {
					q = &a.Quotes[i]
					break
				}
			}
			require.NotNil(t, q, "no quote starting %q in %+v", tc.quote, a.Quotes)
			if tc.unattibuted {
				assert.Empty(t, q.Speaker)
				assert.Less(t, q.Confidence, 0.5)
				return
			}
			if tc.speaker != "-" {
				assert.Equal(t, tc.speaker, q.Speaker)
			} else {
				assert.NotEqual(t, "Statement on", q.Speaker) // never a garbled span
			}
			if tc.title != "-" {
				assert.Equal(t, tc.title, q.SpeakerTitle)
			}
			if tc.mention != "" {
				require.NotNil(t, q.SpeakerMention)
				assert.Equal(t, tc.mention, tc.text[q.SpeakerMention.Start:q.SpeakerMention.End])
			}
			assert.GreaterOrEqual(t, q.Confidence, tc.minConf)
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"", "\"", "“", "”", "“”", `"a" "b`, "“a\n“b\n“c”", "‘’'\"“”„«»",
		"He said, “x,” she said. “y”", "Mr. U.S. J. … ... ?!",
		"Jens Stoltenberg, NATO Secretary General, says that “no.”",
		"\xff\xfe“bad utf8”", "“" + strings.Repeat("word ", 200),
		"according to", "“x” according to", "said said said “x” said",
		", , , “a” , , who who “b”", "\n\n\n“\n\n”\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a := retrieval.Analyze(text)
		MustCheckSlices(t, text, a)
		for i := 1; i < len(a.Quotes); i++ {
			if a.Quotes[i].Start < a.Quotes[i-1].End {
				t.Fatalf("quotes overlap: %v then %v", a.Quotes[i-1].Span, a.Quotes[i].Span)
			}
		}
		for _, q := range a.Quotes {
			if q.Confidence < 0 || q.Confidence > 1 {
				t.Fatalf("confidence %v out of [0,1]", q.Confidence)
			}
		}
	})
}
