package heads

import (
	"errors"
	"fmt"
	"math"
)

// MeanStd returns the mean and the sample standard deviation (divisor n-1)
// of xs, the usual "mean +- std over seeds" of a report. One value has std
// 0. It fails on an empty slice and on a NaN or infinite value, naming its
// index.
func MeanStd(xs []float64) (mean, std float64, err error) {
	if len(xs) == 0 {
		return 0, 0, errors.New("heads: mean and std of no values")
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, fmt.Errorf("heads: value %d is %g", i, x)
		}
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) == 1 {
		return mean, 0, nil
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1)), nil
}

// Stat is one metric summarised over several runs (seeds).
type Stat struct {
	Name      string
	Mean, Std float64
}

// AcrossSeeds summarises reports of the same evaluation run with different
// seeds: for every metric of Report, in the order of its JSON keys, the
// mean and sample std (MeanStd). Acc@QA and Acc@GQA are included only when
// every report has them. It fails on no reports and when the reports'
// query counts differ.
func AcrossSeeds(reports []Report) ([]Stat, error) {
	if len(reports) == 0 {
		return nil, errors.New("heads: no reports to summarise")
	}
	type column struct {
		name string
		get  func(Report) *float64
	}
	cols := []column{
		{"R1@0.3", func(r Report) *float64 { return &r.R1At03 }},
		{"R1@0.5", func(r Report) *float64 { return &r.R1At05 }},
		{"R1@0.7", func(r Report) *float64 { return &r.R1At07 }},
		{"mIoU", func(r Report) *float64 { return &r.MIoU }},
		{"mIoP", func(r Report) *float64 { return &r.MIoP }},
		{"IoP@0.3", func(r Report) *float64 { return &r.IoPAt03 }},
		{"IoP@0.5", func(r Report) *float64 { return &r.IoPAt05 }},
		{"IoU@0.3", func(r Report) *float64 { return &r.IoUAt03 }},
		{"IoU@0.5", func(r Report) *float64 { return &r.IoUAt05 }},
		{"Acc@QA", func(r Report) *float64 { return r.AccQA }},
		{"Acc@GQA", func(r Report) *float64 { return r.AccGQA }},
	}
	for i, r := range reports {
		if r.N != reports[0].N {
			return nil, fmt.Errorf("heads: report %d has n=%d, report 0 has n=%d", i, r.N, reports[0].N)
		}
	}
	var out []Stat
	for _, c := range cols {
		xs := make([]float64, 0, len(reports))
		for _, r := range reports {
			if v := c.get(r); v != nil {
				xs = append(xs, *v)
			}
		}
		if len(xs) < len(reports) {
			continue
		}
		m, s, err := MeanStd(xs)
		if err != nil {
			return nil, fmt.Errorf("heads: %s: %w", c.name, err)
		}
		out = append(out, Stat{Name: c.name, Mean: m, Std: s})
	}
	return out, nil
}
