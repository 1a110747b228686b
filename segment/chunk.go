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

// auxiliaries are verbs that only support another one ("when does the red
// circle touch ...", "a person is sitting").
var auxiliaries = map[string]bool{
	"do": true, "does": true, "did": true, "is": true, "are": true, "was": true,
	"were": true, "be": true, "been": true, "will": true, "can": true,
	"could": true, "would": true, "should": true, "has": true, "have": true, "had": true,
}

// repairVerbs fixes the tagger's commonest mistakes on short queries, where
// the main verb is read as a noun right after the subject noun:
//   - a noun followed by a particle is a verb ("person pick up a cup");
//   - with no main verb in the query, a plural noun right after a noun is
//     a verb in the third person ("the red square stops", "person drinks
//     from a glass");
//   - with only an auxiliary ("when does the square move to the left"), a
//     singular noun right after a noun and followed by a determiner,
//     pronoun, particle, preposition, "to" or the end is a bare verb.
func repairVerbs(toks []tagged) {
	for i := 0; i+1 < len(toks); i++ {
		if isNoun(toks[i].tag) && toks[i+1].tag == "RP" {
			toks[i].tag = "VB"
		}
	}
	aux := false
	for _, t := range toks {
		if isVerb(t.tag) {
			if !auxiliaries[t.word] {
				return
			}
			aux = true
		}
	}
	for i := 1; i < len(toks); i++ {
		if !isNoun(toks[i-1].tag) || !isNoun(toks[i].tag) {
			continue
		}
		if toks[i].tag == "NNS" {
			toks[i].tag = "VBZ"
			return
		}
		if !aux {
			continue
		}
		next := "END"
		if i+1 < len(toks) {
			next = toks[i+1].tag
		}
		switch next {
		case "END", ".", "DT", "PRP", "PRP$", "RP", "TO", "IN":
			toks[i].tag = "VB"
			return
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
		if head == "" || ignoredHeads[head] {
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
