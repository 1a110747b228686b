package segment

import "strings"

// irregularPlurals maps plural nouns that no suffix rule handles to their
// singular.
var irregularPlurals = map[string]string{
	"people": "person", "men": "man", "women": "woman", "children": "child",
	"feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose",
	"oxen": "ox", "dice": "die", "knives": "knife", "wives": "wife",
	"lives": "life", "leaves": "leaf", "shelves": "shelf", "halves": "half",
	"wolves": "wolf", "loaves": "loaf", "scarves": "scarf", "calves": "calf",
	"thieves": "thief", "selves": "self", "buses": "bus", "gases": "gas",
	"lenses": "lens", "quizzes": "quiz", "tomatoes": "tomato",
	"potatoes": "potato", "heroes": "hero", "echoes": "echo",
	"movies": "movie", "cookies": "cookie", "pies": "pie", "ties": "tie",
	"lies": "lie", "zombies": "zombie", "selfies": "selfie",
	"axes": "axe", "cacti": "cactus", "fungi": "fungus",
}

// uninflected nouns look plural but name one thing (or are the same in both
// numbers).
var uninflected = map[string]bool{
	"glasses": true, "clothes": true, "pants": true, "jeans": true,
	"shorts": true, "scissors": true, "trousers": true, "sheep": true,
	"fish": true, "deer": true, "series": true, "species": true,
	"news": true, "headphones": true, "tongs": true, "pliers": true,
	"binoculars": true, "stairs": true,
}

// singular reduces a plural noun (tagged NNS or NNPS) to its singular, by an
// irregular table and English suffix rules.
func singular(w string) string {
	if s, ok := irregularPlurals[w]; ok {
		return s
	}
	if uninflected[w] || len(w) < 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "ies") && len(w) > 4 && !isVowel(w[len(w)-4]):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "zzes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

func isVowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }
