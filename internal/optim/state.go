package optim

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/videodit/videodit/internal/safetensors"
)

// Suffixes of the tensor and metadata names of a saved AdamW state.
const (
	expAvgSuffix   = ".exp_avg"
	expAvgSqSuffix = ".exp_avg_sq"
	stepSuffix     = ".step"
)

// Save writes the optimiser state to a safetensors file at path (through a
// temporary file renamed into place): for a parameter called NAME, the F32
// tensors "NAME.exp_avg" and "NAME.exp_avg_sq" and the metadata entry
// "NAME.step".
func (o *AdamW) Save(path string) error {
	var tensors []safetensors.Tensor
	meta := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(o.state)) {
		st := o.state[name]
		n := []int{len(st.ExpAvg)}
		tensors = append(tensors,
			safetensors.Tensor{Name: name + expAvgSuffix, Shape: n, Data: st.ExpAvg},
			safetensors.Tensor{Name: name + expAvgSqSuffix, Shape: n, Data: st.ExpAvgSq})
		meta[name+stepSuffix] = strconv.Itoa(st.Step)
	}
	if err := safetensors.WriteFile(path, tensors, meta); err != nil {
		return fmt.Errorf("optim: saving AdamW state: %w", err)
	}
	return nil
}

// Load replaces the optimiser state with the one saved at path by Save.
// Every parameter must have both moments and a step count; anything else in
// the file is an error naming it. On error the state is unchanged.
func (o *AdamW) Load(path string) error {
	f, err := safetensors.Open(path)
	if err != nil {
		return fmt.Errorf("optim: loading AdamW state: %w", err)
	}
	defer f.Close()
	return o.load(f.Reader)
}

// load is Load from an open file.
func (o *AdamW) load(f *safetensors.Reader) error {
	path := f.Name()
	fail := func(format string, args ...any) error {
		return fmt.Errorf("optim: loading AdamW state from %s: %s", path, fmt.Sprintf(format, args...))
	}
	s := map[string]ParamState{}
	meta := f.Metadata()
	for _, key := range slices.Sorted(maps.Keys(meta)) {
		val := meta[key]
		name, ok := strings.CutSuffix(key, stepSuffix)
		if !ok {
			return fail("unexpected metadata %q", key)
		}
		step, err := strconv.Atoi(val)
		if err != nil {
			return fail("parameter %q: step %q: %v", name, val, err)
		}
		s[name] = ParamState{Step: step}
	}
	for _, info := range f.Tensors() {
		name, isSq := strings.CutSuffix(info.Name, expAvgSqSuffix)
		if !isSq {
			var ok bool
			if name, ok = strings.CutSuffix(info.Name, expAvgSuffix); !ok {
				return fail("unexpected tensor %q", info.Name)
			}
		}
		st, ok := s[name]
		if !ok {
			return fail("tensor %q has no step count %q in the metadata", info.Name, name+stepSuffix)
		}
		data, err := f.Float32s(info.Name)
		if err != nil {
			return fmt.Errorf("optim: loading AdamW state: %w", err)
		}
		if isSq {
			st.ExpAvgSq = data
		} else {
			st.ExpAvg = data
		}
		s[name] = st
	}
	for name, st := range s {
		if st.ExpAvg == nil || st.ExpAvgSq == nil {
			return fail("parameter %q lacks %q or %q", name, name+expAvgSuffix, name+expAvgSqSuffix)
		}
	}
	if err := o.Restore(s); err != nil {
		return fmt.Errorf("%w (from %s)", err, path)
	}
	return nil
}
