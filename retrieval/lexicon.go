package retrieval

import (
	"strings"
	"unicode/utf8"
)

// Word lists for attribution. The reporting verbs are the cues most often
// annotated in PolNeAR's training split (US political news): those that
// head the cue of at least two direct or mixed quotes there and are a cue
// in at least 40% of their occurrences in the split, with their other
// forms. The rest are closed classes of English.

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var reportingVerbs = set(`
say says said saying tell tells told telling add adds added adding
write writes wrote writing ask asks asked asking note notes noted noting
report reports reported announce announces announced announcing
suggest suggests suggested suggesting argue argues argued arguing
explain explains explained explaining declare declares declared
state states stated stating insist insists insisted warn warns warned
tweet tweets tweeted tweeting claim claims claimed claiming
acknowledge acknowledges acknowledged acknowledging admit admits admitted
recall recalls recalled recalling respond responds responded
reply replies replied reiterate reiterates reiterated reiterating
stipulate stipulates stipulated stress stresses stressed
continue continues continued conclude concludes concluded
predict predicts predicted promise promises promised vow vows vowed
pledge pledges pledged confirm confirms confirmed deny denies denied
mention mentions mentioned remark remarks remarked comment comments commented
complain complains complained concede concedes conceded assert asserts asserted
maintain maintains maintained contend contends contended
urge urges urged testify testifies testified recount recounts recounted
emphasize emphasizes emphasized emphasise emphasises emphasised
observe observes observed quip quips quipped shout shouts shouted
exclaim exclaimed boast boasts boasted proclaim proclaims proclaimed
posted writes explained cautioned caution cautions joked jokes
describe describes described describing call calls called calling
accuse accuses accused accusing refer refers referred referring
point points pointed pointing read reads assure assures assured assuring
cite cites cited citing chant chants chanted chanting lament laments lamented
blame blames blamed blaming criticize criticizes criticized criticizing
interject interjects interjected remarking blast blasts blasted blasting
express expresses expressed expressing praise praises praised praising
yell yells yelled yelling insisting declaring dub dubs dubbed dubbing
denounce denounces denounced denouncing label labels labeled labelled labeling
email emails emailed emailing promising dismiss dismisses dismissed dismissing
question questions questioned questioning portray portrays portrayed portraying
thank thanks thanked thanking quote quotes quoted quoting imply implies implied
decry decries decried mock mocks mocked mocking defend defends defended defending
repeat repeats repeated repeating elaborate elaborates elaborated elaborating
echo echoes echoed echoing bemoan bemoans bemoaned bark barks barked
boom booms boomed wonder wonders wondered credit credits credited crediting
asserting conceding predicting pledging warning answer answers answered
answering agree agrees agreed agreeing issue issues issued issuing
`)

// rightOnlyVerbs are cues only after a quotation (`"…," he continued`).
var rightOnlyVerbs = set(`continue continues continued`)

func isReportingVerb(w string) bool { return reportingVerbs[strings.ToLower(w)] }

var auxiliaries = set(`has have had was were is are be been would will may might could
can did does do also reportedly recently repeatedly later previously once then
not never publicly privately again further simply just quickly flatly often
already still always even only since long earlier separately bluntly
`)

func isAuxiliary(w string) bool { return auxiliaries[strings.ToLower(w)] }

var relatives = set(`that which who whom`)

func isRelative(w string) bool { return relatives[strings.ToLower(w)] }

var connectives = set(`but and so yet still however meanwhile then also though although
or nor indeed instead moreover now`)

func isConnective(w string) bool { return connectives[strings.ToLower(w)] }

var personalPronouns = set(`he she they it we i`)

func isPersonalPronoun(w string) bool { return personalPronouns[w] }

// functionWords are capitalised only because they open a sentence.
var functionWords = set(`the a an and but or so yet if when while after before as at by for
from in into of on to with without this that these those there here it its
he she they we i you his her their our my your him them us me what why how
who whom which where whether not no nor some any all each every both either
neither many much more most few other such than then though although because
since until unless despite during about above below over under between
among through against toward towards upon within also however meanwhile
still even just only now today yesterday tomorrow last next first second
third one two three four five six seven eight nine ten is was are were be
been being has have had do does did will would shall should may might can
could must said says say asked told according nearly any hope
later earlier afterwards meanwhile separately instead overall finally
recently previously yesterday perhaps maybe certainly clearly
indeed apparently obviously`)

func isFunctionWord(w string) bool { return functionWords[strings.ToLower(w)] }

var nameJoiners = set(`of de da del della der di du van von bin al la le y for and`)

// isNameJoiner reports whether a lower-case word may stand inside a name
// ("Secretary of State", "Ludwig van Beethoven").
func isNameJoiner(w string) bool { return nameJoiners[w] }

var roleNouns = set(`president minister secretary spokesman spokeswoman spokesperson
manager chairman chairwoman chair director senator adviser advisor aide
official governor chief leader candidate nominee strategist analyst
professor economist attorney lawyer ambassador envoy representative mayor
commissioner ceo founder editor correspondent reporter general commander
chancellor premier congressman congresswoman speaker head counsel
diplomat negotiator executive expert officer member deputy assistant`)

func isRoleNoun(w string) bool { return roleNouns[strings.TrimSuffix(w, "s")] || roleNouns[w] }

var roleModifiers = set(`former then current acting deputy senior chief vice foreign
campaign press white house state national defense security top interim
assistant special`)

func isRoleModifier(w string) bool { return roleModifiers[w] }

var speakerNouns = set(`official officials source sources spokesman spokeswoman spokesperson
aide aides analyst analysts expert experts critic critics supporter supporters
lawmaker lawmakers leader leaders diplomat diplomats negotiator negotiators
observer observers economist economists researcher researchers scientist
scientists people person voter voters resident residents witness witnesses
report statement agreement strategy study poll survey document memo letter
plan treaty declaration resolution deal proposal paper campaign administration
government ministry department agency company committee spokespeople
representative representatives advocate advocates activist activists
officer officers authorities investigators prosecutors prosecutor lawyer
lawyers attorney attorneys president minister secretary`)

func isSpeakerNoun(w string) bool { return speakerNouns[w] }

var documentNouns = set(`report statement agreement strategy study poll survey document memo
letter plan treaty declaration resolution deal proposal paper constitution
charter accord act bill law`)

func isDocumentNoun(w string) bool { return documentNouns[w] }

var orgNouns = set(`campaign administration government ministry department agency company
committee`)

func isOrgNoun(w string) bool { return orgNouns[w] }

var determiners = set(`the a an this that these those one two three several many some
his her their its our another each every`)

func isDeterminer(w string) bool { return determiners[w] }

var articles = set(`the a an his her their its our this these those`)

// isArticle reports whether w marks the next word as a noun ("the promise").
func isArticle(w string) bool { return articles[w] }

var numberWords = set(`one two three four five six seven eight nine ten dozens hundreds
thousands many several some both all most few`)

func isNumberWord(w string) bool {
	return numberWords[w] || isYear(w) || (w != "" && w[0] >= '0' && w[0] <= '9')
}

var verbish = set(`is are was were has have had be been will would can could may might
should do does did`)

func isVerbish(w string) bool { return verbish[w] || reportingVerbs[w] }

var conjunctions = set(`and but or nor because although though while whereas if`)

func isConjunction(w string) bool { return conjunctions[w] }

var prepositions = set(`of in on at by for with from to into about against over under
between among through during without within`)

func isPreposition(w string) bool { return prepositions[w] }

var titleWords = set(`President Vice Minister Secretary General Director Senator Sen.
Governor Gov. Ambassador Chancellor Deputy Foreign Prime Chief Spokesman
Spokeswoman Chairman Chairwoman Chair Commissioner Mayor King Queen Prince
Princess Pope Judge Justice Attorney Rep. Representative Gen. Adm. Col. Lt.
Capt. Sgt. Maj. Cmdr. Dr. Prof. Professor Leader Speaker Adviser Advisor Envoy
CEO Officer Commander Premier Congressman Congresswoman Candidate Nominee
Former Special Senior Assistant Defense Defence State Interior Finance
Justice National Security Trade Health Energy Economy Labor Labour
Education Homeland Treasury Press Sheriff Detective Officer Inspector
Archbishop Bishop Cardinal Rabbi Imam Reverend Rev. Sir Dame Lord Lady
Secretary-General Minister-President First Lady Presidential Majority Minority
Whip Chairperson Councilman Councilwoman Councillor Delegate`)

// isTitleWord reports whether a capitalised word is part of a title that
// may stand before a name.
func isTitleWord(w string) bool { return titleWords[w] }

var nationalities = set(`American British Russian Ukrainian French German Chinese Japanese
Israeli Palestinian Iranian Iraqi Syrian Turkish Polish Canadian Mexican
Indian Pakistani Afghan European Italian Spanish Dutch Belgian Swedish
Norwegian Danish Finnish Greek Hungarian Czech Romanian Korean Saudi
Egyptian Brazilian Australian Irish Scottish Welsh Democratic Republican
U.S. US UN EU NATO Kremlin White`)

func isNationality(w string) bool { return nationalities[w] }

var placePrepositions = set(`in at from into across near throughout outside inside via on to toward towards`)

// isPlacePreposition reports whether w introduces a place or medium ("in
// Michigan", "on Twitter") rather than a person.
func isPlacePreposition(w string) bool { return placePrepositions[w] }

var honorifics = set(`Mr. Mrs. Ms. Miss Dr. Mr Mrs Ms Dr Prof. Sir Dame`)

func isHonorific(w string) bool { return honorifics[w] }

func stripHonorific(name string) string {
	f := strings.Fields(name)
	if len(f) > 1 && isHonorific(f[0]) {
		return strings.Join(f[1:], " ")
	}
	return name
}

var orgWords = set(`Post Times Journal News Agency Department Ministry Council Committee
Commission Party Campaign Administration Office House Kremlin NATO Inc. Corp.
Company Association Institute University Foundation Bank Court Congress
Senate Government Organization Organisation Union Group Service Network
Center Centre Pentagon Reuters AP BBC CNN Fox Press Tribune Guardian
Herald Club Board Fund Trust Alliance Coalition League Federation Bureau
Police Army Navy Forces Command Assembly Parliament Cabinet Commons
Republicans Democrats Media Magazine Review Foundation PAC Association
Twitter Facebook YouTube Instagram MSNBC CBS NBC ABC Politico College
Partnership School Hospital Church Corporation Institution Initiative
Project Program Programme Society Agency Authority`)

var documentWords = set(`Strategy Statement Agreement Report Act Plan Treaty Declaration
Constitution Resolution Charter Accord Memo Memorandum Letter Bill Law
Document Review Protocol Communique Communiqué Framework Doctrine Manifesto`)

var placeWords = set(`Russia Ukraine America Europe Moscow Kyiv Kiev Washington London
Paris Berlin Beijing China Japan Canada Poland Istanbul Donbas Crimea
Britain England France Germany Israel Iran Iraq Syria Turkey Mexico India
Africa Asia Gaza Texas California Florida Ohio Iowa Virginia York
Americans Europeans Muslims Christians Latinos Hispanics Mexicans
Alabama Alaska Arizona Arkansas Colorado Connecticut Delaware Georgia Hawaii
Idaho Illinois Indiana Kansas Kentucky Louisiana Maine Maryland Massachusetts
Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Oklahoma
Oregon Pennsylvania Tennessee Utah Vermont Wisconsin Wyoming Chicago Boston
Philadelphia Baltimore Detroit Cleveland Atlanta Miami Denver Seattle Brussels
Honolulu Libya Syria Afghanistan Pakistan Cuba Venezuela Brazil Iraq`)

// placeTails end the names of places ("South Carolina", "Trump Tower").
var placeTails = set(`States Kingdom Carolina Dakota Jersey Hampshire Island Islands Valley
County City Tower Hall Street Avenue Park East West Coast Mountains River
Beach Square Center Centre Airport Arena`)

// classifyName guesses what kind of speaker a capitalised name is; words
// is the number of words in the name without honorifics. It returns "" for
// names that cannot be speakers (places, months).
func classifyName(name string, words int) string {
	f := strings.Fields(name)
	if len(f) == 2 && genderOf(f[0]) != 0 {
		return KindPerson // "Bill Clinton", not a bill
	}
	for _, w := range f {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s")
		if documentWords[w] {
			return KindDocument
		}
	}
	for _, w := range f {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s")
		if orgWords[w] {
			return KindOrganization
		}
	}
	if strings.HasPrefix(name, "Islamic ") {
		return KindOrganization // "Islamic State"
	}
	if len(f) > 1 && strings.ToUpper(name) == name {
		return "" // a heading in capitals: "FULL TEXT"
	}
	if len(f) == 1 && utf8.RuneCountInString(strings.TrimSuffix(name, ".")) == 1 {
		return "" // a single letter: "X."
	}
	if len(f) > 1 && placeTails[strings.TrimSuffix(strings.TrimSuffix(f[len(f)-1], "’s"), "'s")] {
		return ""
	}
	if len(f) == 1 {
		w := strings.TrimSuffix(strings.TrimSuffix(f[0], "’s"), "'s")
		if placeWords[w] || monthOrDay[w] || abbreviations[strings.ToLower(strings.TrimSuffix(w, "."))] {
			return ""
		}
		if isAcronym(w) {
			return KindOrganization
		}
	}
	if strings.ContainsAny(name, "0123456789") {
		return "" // a year without a document word: a date, not a speaker
	}
	if isNationality(f[0]) && words == 1 {
		return ""
	}
	return KindPerson
}

var monthOrDay = set(`January February March April May June July August September October
November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday`)

func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if !(r >= 'A' && r <= 'Z' || r == '.') {
			return false
		}
	}
	return true
}

var femaleNames = set(`Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen
Nancy Lisa Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Dorothy
Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Shirley Angela Helen Anna Brenda Pamela Nicole Emma Samantha Katherine
Christine Debra Rachel Catherine Carolyn Janet Ruth Maria Heather Diane
Virginia Julie Joyce Victoria Olivia Kelly Christina Lauren Joan Evelyn Judith
Megan Cheryl Andrea Hannah Martha Jacqueline Frances Gloria Ann Teresa Kathryn
Sara Janice Jean Alice Madison Doris Abigail Julia Judy Grace Denise Amber
Marilyn Beverly Danielle Theresa Sophia Marie Diana Brittany Natalie Isabella
Charlotte Rose Alexis Kayla Hillary Chelsea Kamala Nikki Nancy Elizabeth
Ursula Angela Theresa Liz Kaja Kaja Annalena Giorgia Marine Jill Michelle
Melania Ivanka Kellyanne Sarah Huma Donna Debbie Tulsi Kirsten Amy Maxine
Condoleezza Madeleine Samantha Susan Nikki Janet Gina Loretta Sally Valerie
Hope Kellyanne Katrina Mika Megyn Rachel Ilhan Alexandria Ayanna Rashida
Marsha Lisa Susan Mazie Patty Dianne Tammy Jeanne Heidi Claire Gillibrand
Olena Yulia Iryna Maria Tatiana Svetlana Natalia Olga Irina Anastasia`)

var maleNames = set(`James Robert John Michael David William Richard Joseph Thomas Charles
Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua
Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel
Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose
Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence
Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan
Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip
Louis Barack Bill Bernie Mike Mitch Chuck Ted Marco Jeb Ben Rudy Newt Chris
Rand Reince Sean Steve Tim Joe Hunter Jens Vladimir Volodymyr Sergei Sergey
Dmitry Dmitri Emmanuel Olaf Boris Keir Rishi Recep Xi Narendra Benjamin
Viktor Andrzej Mark Justin Antony Jake Lloyd Marco Pete Keith Davyd Andriy
Oleksandr Petro Yevgeny Alexei Alexey Mikhail Nikolai Valery Valeriy Denys
Rustem Kirill Maxim Ivan Igor Oleg Yuri Yury Dmytro Mykhailo Ruslan Vitali
Vitaliy Volker Friedrich Frank-Walter Giorgos Donald Mitt Paul Jim Rick
Tom Dick Harry Reid Lindsey Orrin Jon Al Howard Ron`)

// genderOf guesses a person's gender from a first name, or 0 if unknown.
func genderOf(first string) byte {
	switch {
	case femaleNames[first]:
		return 'f'
	case maleNames[first]:
		return 'm'
	}
	return 0
}

// irregularPast are past forms that may head a cue after a quotation
// (`"…," Trump shot back`).
var irregularPast = set(`shot spoke wrote told said put thought sang swore went began
broke knew felt meant sent gave took held made kept left read`)

// invertingVerbs are the cues that may come before their subject inside a
// sentence (`But, said Solovey, "…"`, `Continued Stone: "…"`).
var invertingVerbs = set(`said says added adds wrote writes continued continues noted notes
stated states explained explains recalled recalls declared replied responded concluded
argued argues insisted observed remarked`)

// introWords open an introductory phrase before the subject of a
// sentence (`When he returned, …`, `Hours later, …`).
var introWords = set(`when while after before as since although though because if once
despite following amid later earlier meanwhile yesterday today last this
hours days weeks months years moments minutes ago instead still also however
asked speaking responding writing`)

// nominalHeads are nouns that head a speaker named by a description in
// PolNeAR's training split (`the crowd chanted`, `The ad targets`), among
// the most frequent heads of its nominal Sources.
var nominalHeads = set(`poll campaign voter official candidate group report people
republican expert member company supporter democrat leader judge spokesman
majority secretary senator party survey critic source statement governor
adviser board court ad administration lawmaker aide ally man woman reporter
crowd media agency spokeswoman organization government email pac lawsuit
friend analyst public video team office strategist conservative newspaper
message rival researcher prosecutor nominee delegate donor letter leader
mogul police protester businessman organizer audience narrator executive
star website panel advocate progressive employee editorial neurosurgeon
article insider actress authorities network head opponent politician
investor worker department activist release tycoon tweet document community
backer council actor page lawyer paper plan director institute staff book
wife diplomat staffer association daughter speaker attendee commentator
moderator union observer commission chief analysis host columnist
foundation university mayor president memo note filing spot commercial
economist scientist study`)

// isNominalHead reports whether w, singular or plural, heads a nominal
// speaker.
func isNominalHead(w string) bool {
	return nominalHeads[w] || nominalHeads[strings.TrimSuffix(w, "s")] || isSpeakerNoun(w) || isRoleNoun(w)
}

// clauseOpeners start a clause of their own inside a sentence, so that a
// cue before them does not reach a quotation after them.
var clauseOpeners = set(`and but while when after before though although because since
whereas unless`)
