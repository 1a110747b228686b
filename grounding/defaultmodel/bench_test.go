package defaultmodel_test

import (
	"context"
	"testing"
	"time"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/grounding/defaultmodel"
)

// BenchmarkGround grounds a query in a 96-frame benchmark clip with the
// default model and reports the milliseconds of each stage of Ground
// (ms/<stage>, from the progress callback) besides the total.
func BenchmarkGround(b *testing.B) {
	ctx := context.Background()
	v, queries := benchClip(b)
	q := queries[0].Text
	var last time.Time
	spent := map[string]time.Duration{}
	p, err := defaultmodel.Load(ctx, grounding.Options{Progress: func(stage string, done, total int) {
		now := time.Now()
		spent[stage] += now.Sub(last)
		last = now
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		last = time.Now()
		if _, err := p.Ground(ctx, v, q); err != nil {
			b.Fatal(err)
		}
	}
	for stage, d := range spent {
		b.ReportMetric(float64(d.Milliseconds())/float64(b.N), "ms/"+stage)
	}
}
