package op

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// Attrs are an op's attribute values by name (bool, int, []int, float64, string, tensor.DType).
type Attrs map[string]any

// AttrDef declares one attribute and its default (nil: required).
type AttrDef struct {
	Name    string
	Default any
}

// Meta is what graph building knows of a value before running: dtype and shape, with -1 for
// unknown dimensions (a batch of any size) and UnknownRank when not even the rank is known.
// Const is set when the value is a constant known at build time (shapes and axes often are),
// so inference can use it.
type Meta struct {
	DType       tensor.DType
	Shape       tensor.Shape
	UnknownRank bool
	Const       *tensor.Tensor
}

// GradCall is what a gradient rule gets: the op's attrs, inputs and outputs (as recorded or
// as graph values) and the gradients flowing into each output (never nil: outputs that got no
// gradient receive zeros).
type GradCall struct {
	Def     *OpDef
	Attrs   Attrs
	Inputs  []*Value
	Outputs []*Value
	Grads   []*Value
}

// GradFunc returns one gradient per input, nil for inputs that get none (integer indices, say).
type GradFunc func(c *GradCall) []*Value

// OpDef is the whole definition of an op.
type OpDef struct {
	Name   string   // TensorFlow's op name: "MatMul", "BiasAdd", ...
	Inputs []string // input names, in order
	// Variadic ops (Concat, AddN) take any number (at least one) of values for their last
	// input, as TensorFlow's list inputs ("values: N * T").
	Variadic bool
	Attrs    []AttrDef // attributes with their defaults
	// Infer computes output metadata from input metadata and attrs, panicking with a
	// *tensor.Error (naming the op and the shapes) on invalid input. Graph building uses it;
	// eager execution relies on Kernel's own checks.
	Infer func(in []Meta, a Attrs) []Meta
	// Kernel computes the outputs on concrete tensors.
	Kernel func(in []*tensor.Tensor, a Attrs) []*tensor.Tensor
	// Grad is the gradient rule; nil only when NotDifferentiable is set.
	Grad              GradFunc
	NotDifferentiable bool
}

var (
	mu       sync.RWMutex
	registry = map[string]*OpDef{}
)

// Register adds an op. It panics if the name is taken or the definition lacks a kernel, an
// Infer function, or a gradient rule without NotDifferentiable — mistakes found at init.
func Register(d *OpDef) *OpDef {
	switch {
	case d == nil:
		panic("op.Register: nil OpDef")
	case d.Name == "":
		panic("op.Register: OpDef without a name")
	case d.Kernel == nil:
		panic(fmt.Sprintf("op.Register(%q): no Kernel", d.Name))
	case d.Infer == nil:
		panic(fmt.Sprintf("op.Register(%q): no Infer", d.Name))
	case d.Grad == nil && !d.NotDifferentiable:
		panic(fmt.Sprintf("op.Register(%q): no Grad; set NotDifferentiable if it has none", d.Name))
	case d.Grad != nil && d.NotDifferentiable:
		panic(fmt.Sprintf("op.Register(%q): both Grad and NotDifferentiable", d.Name))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[d.Name]; dup {
		panic(fmt.Sprintf("op.Register: %q registered twice", d.Name))
	}
	registry[d.Name] = d
	return d
}

// Lookup finds an op by name.
func Lookup(name string) (*OpDef, error) {
	mu.RLock()
	d := registry[name]
	mu.RUnlock()
	if d == nil {
		return nil, fmt.Errorf("op: no op named %q is registered (is the package that defines it, usually ops, imported?)", name)
	}
	return d, nil
}

// List returns the names of all registered ops, sorted.
func List() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// attr returns an attr's value or its default.
func (d *OpDef) attr(a Attrs, name string) any {
	if v, ok := a[name]; ok {
		return v
	}
	for _, ad := range d.Attrs {
		if ad.Name == name {
			return ad.Default
		}
	}
	return nil
}

// withDefaults checks attr names and fills defaults, panicking on unknown or missing attrs.
func (d *OpDef) withDefaults(a Attrs) Attrs {
	for k := range a {
		if !slices.ContainsFunc(d.Attrs, func(ad AttrDef) bool { return ad.Name == k }) {
			panic(&tensor.Error{Op: d.Name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("unknown attr %q", k)})
		}
	}
	if len(a) == len(d.Attrs) {
		return a
	}
	out := make(Attrs, len(d.Attrs))
	for _, ad := range d.Attrs {
		v, ok := a[ad.Name]
		if !ok {
			if ad.Default == nil {
				panic(&tensor.Error{Op: d.Name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("required attr %q is missing", ad.Name)})
			}
			v = ad.Default
		}
		out[ad.Name] = v
	}
	return out
}

// Must is Lookup that panics on a miss, for use with names known to be registered.
func Must(name string) *OpDef {
	d, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return d
}
