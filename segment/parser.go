package segment

// Phrase is one target entity of a query, n_i of Eq. 1: the words a detector
// is asked to ground ("red shirt"), lower case, modifiers first, the head
// noun last and singular.
type Phrase struct {
	// Text is the phrase as the detector sees it: modifiers and the
	// singular head, lower case, single spaces ("large blue square").
	Text string
	// Head is the head noun, singular, lower case ("square").
	Head string
}

// Parser extracts the noun phrases of a query: N = {n_i} = E(q) (Eq. 1).
//
// Parse returns the phrases in query order without duplicates (by Text). A
// query that is empty or only white space is an error wrapping
// ErrEmptyQuery; a query with no noun phrase returns an empty list and no
// error. Implementations are deterministic and safe for concurrent use.
type Parser interface {
	Parse(query string) ([]Phrase, error)
}
