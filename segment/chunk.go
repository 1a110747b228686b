package segment

import (
	"strings"
	"unicode"
)

// tagged is one token of a query with its Penn Treebank part-of-speech tag.
type tagged struct {
	word, tag string
}

// personWords are indefinite pronouns, tagged as nouns by the tagger, that
// refer to a person (Charades-STA's "someone opens the door").
var personWords = map[string]bool{
	"someone": true, "somebody": true, "anyone": true, "anybody": true,
	"everyone": true, "everybody": true,
}

// ignoredHeads are nouns that name no visible entity: indefinite pronouns,
// places in the frame and times. A phrase with such a head is not a target.
var ignoredHeads = map[string]bool{
	"something": true, "anything": true, "everything": true, "nothing": true,
	"nobody": true, "one": true, "none": true, "it": true,
	"left": true, "right": true, "top": true, "bottom": true, "middle": true,
	"center": true, "centre": true, "side": true, "scene": true, "video": true,
	"clip": true, "frame": true, "time": true, "moment": true, "way": true,
	"beginning": true, "end": true, "start": true, "rest": true, "first": true,
	"second": true, "last": true, "once": true, "twice": true,
	// Views and manners rather than things ("in front of", "into view",
	// "in motion", "in contact", "changes its colour").
	"front": true, "view": true, "sight": true, "picture": true, "screen": true,
	"place": true, "contact": true, "motion": true, "colour": true, "color": true,
}

// partitives are nouns that, followed by "of", only count or group the
// entity that follows ("a pair of glasses" -> "glasses").
var partitives = map[string]bool{
	"pair": true, "piece": true, "bunch": true, "group": true, "couple": true,
	"lot": true, "kind": true, "sort": true, "type": true, "bit": true,
	"number": true, "handful": true, "set": true,
}

func isNoun(tag string) bool      { return strings.HasPrefix(tag, "NN") }
func isAdjective(tag string) bool { return strings.HasPrefix(tag, "JJ") }
func isVerb(tag string) bool      { return strings.HasPrefix(tag, "VB") || tag == "MD" }

// isDeterminer reports tags that open a noun phrase and are dropped:
// determiners, predeterminers, possessive pronouns and numbers.
func isDeterminer(tag string) bool {
	switch tag {
	case "DT", "PDT", "PRP$", "WP$", "CD", "WDT":
		return true
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// colourWords are colour adjectives, which the tagger often reads as nouns
// or verbs ("the purple/NNS square", "the large pink/VBP diamond").
var colourWords = map[string]bool{
	"red": true, "orange": true, "yellow": true, "green": true, "cyan": true,
	"blue": true, "purple": true, "pink": true, "white": true, "black": true,
	"gray": true, "grey": true, "brown": true, "violet": true, "magenta": true,
	"gold": true, "silver": true, "beige": true, "navy": true, "teal": true,
}

// repairModifiers fixes the tagger's mistakes inside entity descriptions:
// a colour word followed by a word of the same phrase is an adjective, and
// a word tagged as a verb or adverb right after the adjectives that follow
// a determiner is the phrase's noun ("the purple/JJ square/VBP" -> noun).
func repairModifiers(toks []tagged) {
	for i := 0; i+1 < len(toks); i++ {
		if !colourWords[toks[i].word] {
			continue
		}
		switch toks[i+1].tag {
		case "DT", "IN", "TO", "CC", ".", ",", ":", "PRP", "PRP$", "WRB", "RB":
			continue
		}
		toks[i].tag = "JJ"
	}
	for i := 2; i < len(toks); i++ {
		t := toks[i].tag
		if !(isVerb(t) || t == "RB") || !isAdjective(toks[i-1].tag) {
			continue
		}
		j := i - 1
		for j > 0 && isAdjective(toks[j].tag) {
			j--
		}
		if isDeterminer(toks[j].tag) {
			toks[i].tag = "NN"
		}
	}
}

// adjectiveHead reports whether toks[i] closes a run of at least two
// adjectives opened by a determiner and is not a colour: the tagger's
// reading of a noun such as "square" in "the red square stops".
func adjectiveHead(toks []tagged, i int) bool {
	if i < 2 || !isAdjective(toks[i].tag) || colourWords[toks[i].word] {
		return false
	}
	j := i
	for j > 0 && isAdjective(toks[j].tag) {
		j--
	}
	return i-j >= 2 && isDeterminer(toks[j].tag)
}

// auxiliaries are verbs that only support another one ("when does the red
// circle touch ...", "a person is sitting").
var auxiliaries = map[string]bool{
	"do": true, "does": true, "did": true, "is": true, "are": true, "was": true,
	"were": true, "be": true, "been": true, "will": true, "can": true,
	"could": true, "would": true, "should": true, "has": true, "have": true, "had": true,
}

// repairVerbs fixes the tagger's commonest mistakes on short queries, where
// a clause's verb is read as a noun right after its subject noun:
//   - a noun followed by a particle is a verb ("person pick up a cup");
//   - a plural noun right after a noun (or after adjectives opened by a
//     determiner, see adjectiveHead) and followed by neither a noun nor an auxiliary is a verb
//     in the third person ("the red square stops", "the small cyan star
//     passes in front of ...", "person drinks from a glass");
//   - a singular noun right after a noun and before punctuation, a
//     preposition, "to" or the end is a bare verb when its subject was
//     coordinated ("the pink cross and the cyan cross touch") or the
//     query has only auxiliary verbs ("when does the square move to the
//     left").
//
// The price: a plural compound followed by a preposition ("coffee cups on
// the table") loses its head.
func repairVerbs(toks []tagged) {
	for i := 0; i+1 < len(toks); i++ {
		if isNoun(toks[i].tag) && toks[i+1].tag == "RP" {
			toks[i].tag = "VB"
		}
	}
	for i := 1; i < len(toks); i++ {
		next, nextWord := "END", ""
		if i+1 < len(toks) {
			next, nextWord = toks[i+1].tag, toks[i+1].word
		}
		subject := isNoun(toks[i-1].tag) || adjectiveHead(toks, i-1)
		if subject && toks[i].tag == "NNS" && !isNoun(next) && next != "POS" && !auxiliaries[nextWord] {
			toks[i].tag = "VBZ"
		}
	}
	onlyAux := true
	for _, t := range toks {
		if isVerb(t.tag) && !auxiliaries[t.word] {
			onlyAux = false
		}
	}
	coordinated := false // the current phrase follows "and" / "or"
	for i := 1; i < len(toks); i++ {
		switch {
		case toks[i-1].tag == "CC":
			coordinated = true
		case !isNoun(toks[i-1].tag) && !isAdjective(toks[i-1].tag) && !isDeterminer(toks[i-1].tag):
			coordinated = false
		}
		if !isNoun(toks[i-1].tag) || !isNoun(toks[i].tag) {
			continue
		}
		next := "END"
		if i+1 < len(toks) {
			next = toks[i+1].tag
		}
		switch next {
		case "END", ".", ",", ":", "IN", "TO", "RB":
			if coordinated || onlyAux {
				toks[i].tag = "VB"
			}
		}
	}
}

// chunk groups tagged tokens into noun phrases (Eq. 1): determiners and
// numbers are dropped, adjectives and noun modifiers kept, the head noun
// reduced to its singular; pronouns, prepositions, verbs and punctuation
// end a phrase, so prepositional attachments become phrases of their own
// ("the man in the red shirt" -> "man", "red shirt"). A determiner followed
// only by adjectives names its last adjective as head ("a large blue
// square" when "square" is tagged an adjective). Phrases come out in query
// order, without duplicates.
func chunk(toks []tagged) []Phrase {
	for i := range toks {
		toks[i].word = strings.ToLower(toks[i].word)
		if personWords[toks[i].word] {
			toks[i] = tagged{word: "person", tag: "NN"}
		}
		if !hasLetter(toks[i].word) {
			toks[i].tag = "."
		}
	}
	repairModifiers(toks)
	repairVerbs(toks)

	var (
		out    []Phrase
		seen   = map[string]bool{}
		mods   []string
		nouns  []string
		plural bool
		opened bool // the phrase began with a determiner
	)
	flush := func() {
		var words []string
		var head string
		switch {
		case len(nouns) > 0:
			head = nouns[len(nouns)-1]
			if plural {
				head = singular(head)
			}
			words = append(append(append(words, mods...), nouns[:len(nouns)-1]...), head)
		case len(mods) > 0 && opened:
			head = mods[len(mods)-1]
			words = mods
		}
		mods, nouns, plural, opened = nil, nil, false, false
		if head == "" || ignoredHeads[head] || (len(words) == 1 && colourWords[head]) {
			return
		}
		p := Phrase{Text: strings.Join(words, " "), Head: head}
		if !seen[p.Text] {
			seen[p.Text] = true
			out = append(out, p)
		}
	}
	for i, t := range toks {
		prev, next := "", ""
		if i > 0 {
			prev = toks[i-1].tag
		}
		if i+1 < len(toks) {
			next = toks[i+1].tag
		}
		switch {
		case isDeterminer(t.tag):
			flush()
			opened = true
		case isAdjective(t.tag):
			if len(nouns) > 0 {
				flush()
			}
			mods = append(mods, t.word)
		case (t.tag == "VBG" || t.tag == "VBN") && (isDeterminer(prev) || isAdjective(prev)) &&
			(isNoun(next) || isAdjective(next)) && len(nouns) == 0:
			mods = append(mods, t.word)
		case isNoun(t.tag):
			if partitives[t.word] && i+1 < len(toks) && toks[i+1].word == "of" {
				flush()
				continue
			}
			nouns = append(nouns, t.word)
			plural = t.tag == "NNS" || t.tag == "NNPS"
		default:
			flush()
		}
	}
	flush()
	return out
}
