package checkpoint

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gorgonia.org/tensor"
)

// denseType is the type of a parameter field.
var denseType = reflect.TypeFor[*tensor.Dense]()

// param is one tensor field found by walk.
type param struct {
	name     string
	ptr      **tensor.Dense
	optional bool
}

// Walk calls fn, in field order, with the checkpoint name of every tensor
// field of model and a pointer to that field, so that fn can read, replace or
// allocate it. model must be a non-nil pointer to a struct.
//
// Naming rules. A field of type *tensor.Dense tagged `st:"name"` (or
// `st:"name,optional"`) is a tensor called name. A tagged struct, non-nil
// pointer to a struct, slice or array is walked with its tag as a prefix
// joined by "."; slice and array elements add their index, so
//
//	Blocks []Block `st:"blocks"` // in Block: Q Linear `st:"attn.q"`
//	W *tensor.Dense `st:"weight"` // in Linear
//
// names "blocks.0.attn.q.weight". Untagged fields and fields tagged "-" are
// skipped, except untagged embedded structs, which are walked without adding
// to the prefix. Nil pointers to structs are skipped (allocate sub-structures
// before Load); nil *tensor.Dense fields are visited. "optional" applies to
// every tensor below the tagged field. Walk fails on a tagged field of any
// other type, an unexported tagged field, an unknown tag option, or two
// fields with the same name, or a cycle of pointers; and it returns the first error of fn.
func Walk(model any, fn func(name string, t **tensor.Dense) error) error {
	if err := walk(model, func(p param) error { return fn(p.name, p.ptr) }); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// walk is Walk reporting optionality too.
func walk(model any, fn func(param) error) error {
	v := reflect.ValueOf(model)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("model must be a non-nil pointer to a struct, got %T", model)
	}
	w := walker{fn: fn, seen: map[string]bool{}, inside: map[uintptr]bool{}}
	return w.structFields(v.Elem(), "", false)
}

type walker struct {
	fn     func(param) error
	seen   map[string]bool  // tensor names given out
	inside map[uintptr]bool // structs being walked through pointers, to refuse cycles
}

func (w *walker) structFields(v reflect.Value, prefix string, optional bool) error {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, tagged := sf.Tag.Lookup("st")
		if !tagged {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && ft.Kind() == reflect.Struct && sf.IsExported() {
				if err := w.value(v.Field(i), prefix, optional, sf.Name); err != nil {
					return err
				}
			}
			continue
		}
		if tag == "-" {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		if opt != "" && opt != "optional" {
			return fmt.Errorf("field %s.%s: unknown st tag option %q", t, sf.Name, opt)
		}
		if name == "" {
			return fmt.Errorf("field %s.%s: empty st tag name", t, sf.Name)
		}
		if !sf.IsExported() {
			return fmt.Errorf("field %s.%s: st tag on an unexported field", t, sf.Name)
		}
		if err := w.value(v.Field(i), join(prefix, name), optional || opt == "optional", t.String()+"."+sf.Name); err != nil {
			return err
		}
	}
	return nil
}

// value walks v, named name; where names the Go field for errors.
func (w *walker) value(v reflect.Value, name string, optional bool, where string) error {
	switch {
	case v.Type() == denseType:
		if w.seen[name] {
			return fmt.Errorf("field %s: tensor name %q used twice", where, name)
		}
		w.seen[name] = true
		return w.fn(param{name: name, ptr: v.Addr().Interface().(**tensor.Dense), optional: optional})
	case v.Kind() == reflect.Struct:
		return w.structFields(v, name, optional)
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct:
		if v.IsNil() {
			return nil
		}
		if w.inside[v.Pointer()] {
			return fmt.Errorf("field %s: pointer cycle", where)
		}
		w.inside[v.Pointer()] = true
		defer delete(w.inside, v.Pointer())
		return w.structFields(v.Elem(), name, optional)
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
		for i := range v.Len() {
			if err := w.value(v.Index(i), join(name, strconv.Itoa(i)), optional, where); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("field %s: type %s cannot hold tensors (want *tensor.Dense, a struct, or a slice or array of them)", where, v.Type())
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
