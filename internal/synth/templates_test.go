package synth

import (
	"regexp"
	"testing"
)

func TestTemplates(t *testing.T) {
	all := Templates()
	if len(all) < 40 {
		t.Errorf("%d query templates, want at least 40", len(all))
	}
	ids := map[string]bool{}
	perKind := map[string]int{}
	placeholder := regexp.MustCompile(`\{[A-Z]\}`)
	allowed := map[string]bool{"{A}": true, "{B}": true, "{C}": true, "{X}": true, "{Y}": true, "{N}": true}
	for _, tp := range all {
		if ids[tp.ID] {
			t.Errorf("template ID %q used twice", tp.ID)
		}
		ids[tp.ID] = true
		perKind[tp.Kind]++
		for _, p := range placeholder.FindAllString(tp.Pattern, -1) {
			if !allowed[p] {
				t.Errorf("template %q: unknown placeholder %s", tp.ID, p)
			}
		}
	}
	for _, k := range []string{KindEnters, KindLeaves, KindMoves, KindStill, KindTouches, KindOccludes, KindColourChange, KindDisappears, KindReappears} {
		if perKind[k] < 3 {
			t.Errorf("kind %s has %d paraphrases, want at least 3", k, perKind[k])
		}
	}
	for _, k := range []string{RelationOrdinal, RelationAfter, RelationBefore, RelationWhile} {
		if perKind[k] < 2 {
			t.Errorf("relation %s has %d templates, want at least 2", k, perKind[k])
		}
	}
	if perKind[KindTouches] < 5 {
		t.Errorf("touches has %d synonyms, want at least 5", perKind[KindTouches])
	}
}

func TestVocabulary(t *testing.T) {
	if n := len(Colours()); n < 8 {
		t.Errorf("%d colours, want at least 8", n)
	}
	if n := len(Shapes()); n < 6 {
		t.Errorf("%d shapes, want at least 6", n)
	}
	if n := len(Sizes()); n != 2 {
		t.Errorf("%d sizes, want 2", n)
	}
}
