package defaulttext_test

import (
	"context"
	"math"
	"testing"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/fusion/fusiontest"
	"github.com/videodit/videodit/internal/synth"
)

func TestConformance(t *testing.T) {
	m, err := defaulttext.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fusiontest.TextEncoder(t, m)
}

// TestBenchmarkCoverage checks that the vocabulary covers the queries and
// questions of benchmark videos the vocabulary was not trained on (another
// split and seed): no [UNK], and no query longer than MaxLen.
func TestBenchmarkCoverage(t *testing.T) {
	m, err := defaulttext.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok := m.Tokenizer()
	n := 0
	for i := range 20 {
		v, err := synth.Generate(synth.Config{Split: "cover"}, 424242, i)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, q := range v.Meta.Queries {
			texts = append(texts, q.Text)
		}
		for _, qa := range v.Meta.QA {
			texts = append(texts, qa.Question)
		}
		for _, s := range texts {
			n++
			for _, p := range tok.Tokenize(s) {
				if p == fusion.UnkToken {
					t.Errorf("%q tokenizes to %q, with [UNK]", s, tok.Tokenize(s))
					break
				}
			}
			if _, err := m.IDs(s); err != nil {
				t.Error(err)
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d benchmark texts checked", n)
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestTrainedSimilarity checks that training shaped e_text: a query is
// nearer to a paraphrase of it (another template of the same event kind
// about the same entity) than to a query about another event kind.
func TestTrainedSimilarity(t *testing.T) {
	m, err := defaulttext.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc := func(s string) []float32 {
		v, err := m.Encode(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ query, near, far string }{
		{"the red circle enters the frame", "the red circle slides into view", "the blue square stays still"},
		{"the black square exits the picture", "the black square goes out of view", "the black square changes colour to green"},
		{"the cyan square disappears", "the cyan square vanishes", "the cyan square appears again"},
	} {
		q, n, f := enc(tc.query), enc(tc.near), enc(tc.far)
		cn, cf := cosine(q, n), cosine(q, f)
		t.Logf("cos(%q, paraphrase) = %.3f, cos with %q = %.3f", tc.query, cn, tc.far, cf)
		if !(cn > cf) {
			t.Errorf("cos(%q, %q) = %.3f, not above cos with %q = %.3f", tc.query, tc.near, cn, tc.far, cf)
		}
	}
}

// BenchmarkEncode embeds one 12-word query with the default encoder on the
// eager executor.
func BenchmarkEncode(b *testing.B) {
	m, err := defaulttext.Load(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Encode(ctx, "once the red circle enters the frame, the yellow diamond becomes white"); err != nil {
			b.Fatal(err)
		}
	}
}
