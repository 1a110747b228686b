package segment

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/videodit/videodit/internal/synth"
)

// templateInstances fills every query template of the synthetic benchmark
// with entity descriptions: each clause template with 20 entities that
// cover every colour and every shape ({A}; {B} another entity; a size in
// front of every third), each relation template with 20 pairs of clauses. It returns each query with
// the entity phrases it names.
func templateInstances() (queries []string, want [][]string) {
	colours, shapes, sizes := synth.Colours(), synth.Shapes(), synth.Sizes()
	desc := func(k int) string {
		d := colours[k%len(colours)] + " " + shapes[k%len(shapes)]
		if k%3 == 0 {
			d = sizes[k/3%len(sizes)] + " " + d
		}
		return d
	}
	n := 20
	fillClause := func(tpl synth.Template, k int) (string, []string) {
		a, b := desc(k), desc(k*7+13)
		c := colours[(k+3)%len(colours)]
		q := strings.NewReplacer("{A}", "the "+a, "{B}", "the "+b, "{C}", c).Replace(tpl.Pattern)
		if strings.Contains(tpl.Pattern, "{B}") {
			return q, []string{a, b}
		}
		return q, []string{a}
	}
	var clauses []synth.Template
	for _, tpl := range synth.Templates() {
		if !strings.Contains(tpl.Pattern, "{X}") {
			clauses = append(clauses, tpl)
			for k := range n {
				q, w := fillClause(tpl, k)
				queries, want = append(queries, q), append(want, w)
			}
		}
	}
	for r, tpl := range synth.Templates() {
		if !strings.Contains(tpl.Pattern, "{X}") {
			continue
		}
		for k := range 20 {
			x, wx := fillClause(clauses[(k+r)%len(clauses)], k+r)
			y, wy := fillClause(clauses[(3*k+1)%len(clauses)], 2*k+r+5)
			q := strings.NewReplacer("{X}", x, "{Y}", y, "{N}", "second").Replace(tpl.Pattern)
			if strings.Contains(tpl.Pattern, "{Y}") {
				wx = append(wx, wy...)
			}
			queries, want = append(queries, q), append(want, wx)
		}
	}
	return queries, want
}

// benchmarkQueries are the queries of a few generated benchmark videos,
// with the descriptions of the entities each names.
func benchmarkQueries(t *testing.T) (queries []string, want [][]string) {
	cfg := synth.Config{Width: 64, Height: 64, MinDuration: 4, MaxDuration: 8, MaxEntities: 6, MinEntities: 3}
	for i := range 6 {
		v, err := synth.Generate(cfg, 7, i)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range v.Meta.Queries {
			var w []string
			for _, e := range q.Entities {
				w = append(w, strings.TrimPrefix(v.Meta.Entities[e].Description, "the "))
			}
			queries, want = append(queries, q.Text), append(want, w)
		}
	}
	return queries, want
}

// TestParserFindsTemplateEntities parses instances of every benchmark
// query template, and the queries of generated videos, and checks that
// every entity description is a phrase.
func TestParserFindsTemplateEntities(t *testing.T) {
	p := testParser(t)
	queries, want := templateInstances()
	bq, bw := benchmarkQueries(t)
	queries, want = append(queries, bq...), append(want, bw...)
	missed, extra := 0, map[string]int{}
	for i, q := range queries {
		got, err := p.Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		texts := texts(got)
		for _, w := range want[i] {
			if !slices.Contains(texts, w) {
				missed++
				t.Errorf("Parse(%q) = %q: misses %q", q, texts, w)
			}
		}
		for _, g := range texts {
			if !slices.Contains(want[i], g) {
				extra[g]++
			}
		}
	}
	t.Logf("%d queries (%d from generated videos), %d entity descriptions missed; extra phrases (dropped downstream when ungrounded): %v",
		len(queries), len(bq), missed, fmt.Sprint(extra))
}
