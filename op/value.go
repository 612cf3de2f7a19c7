package op

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// Value is an op operand and result: concrete (eager) or symbolic (a graph output).
type Value struct {
	t   *tensor.Tensor
	sym Symbolic
	id  uint64
}

var nextID atomic.Uint64

// Const wraps a concrete tensor as an eager value.
func Const(t *tensor.Tensor) *Value {
	if t == nil {
		panic("op.Const: nil tensor")
	}
	return &Value{t: t, id: nextID.Add(1)}
}

// Symbolic is a graph output as the graph package represents it.
type Symbolic interface {
	Builder() Builder
	Meta() Meta
}

// Builder adds nodes for ops applied to symbolic values (a graph, under its current scope).
type Builder interface {
	AddOp(d *OpDef, a Attrs, inputs []*Value) []*Value
}

// NewSymbolic wraps a graph output.
func NewSymbolic(s Symbolic) *Value { return &Value{sym: s, id: nextID.Add(1)} }

// ID identifies the value (tapes key their records by it).
func (v *Value) ID() uint64 { return v.id }

// IsSymbolic reports whether v is a graph output rather than a concrete tensor.
func (v *Value) IsSymbolic() bool { return v.sym != nil }

// Symbolic returns the graph output behind a symbolic value (nil for a concrete one).
func (v *Value) Symbolic() Symbolic { return v.sym }

// Tensor returns the concrete tensor of an eager value. It panics for a symbolic value, whose
// contents exist only when a session runs the graph.
func (v *Value) Tensor() *tensor.Tensor {
	if v.t == nil {
		panic(&tensor.Error{Op: "Value.Tensor", Kind: tensor.ErrArgument, Msg: "value is symbolic (a graph output); run it in a session to get a tensor"})
	}
	return v.t
}

// Meta returns the dtype and (possibly partly unknown) shape.
func (v *Value) Meta() Meta {
	if v.sym != nil {
		return v.sym.Meta()
	}
	return Meta{DType: v.t.DType(), Shape: v.t.Shape()}
}

// DType returns the element type.
func (v *Value) DType() tensor.DType { return v.Meta().DType }

// Shape returns the shape (-1 for dimensions a graph does not know yet).
func (v *Value) Shape() tensor.Shape { return v.Meta().Shape }

// String prints an eager value like its tensor, a symbolic one by its metadata.
func (v *Value) String() string {
	if v.sym != nil {
		m := v.sym.Meta()
		return fmt.Sprintf("<symbolic %v %v>", m.DType, m.Shape)
	}
	return v.t.String()
}

// Recorder is told of every eager op run while it is registered; GradientTapes implement it
// and keep the ops whose inputs they watch.
type Recorder interface {
	Record(d *OpDef, a Attrs, inputs, outputs []*Value)
}

var (
	recMu     sync.Mutex
	recorders atomic.Pointer[[]Recorder] // copy-on-write: Apply reads without locking
)

// AddRecorder starts telling r of eager ops.
func AddRecorder(r Recorder) {
	recMu.Lock()
	defer recMu.Unlock()
	old := recorders.Load()
	var next []Recorder
	if old != nil {
		next = append(next, *old...)
	}
	next = append(next, r)
	recorders.Store(&next)
}

// RemoveRecorder stops telling r of eager ops.
func RemoveRecorder(r Recorder) {
	recMu.Lock()
	defer recMu.Unlock()
	old := recorders.Load()
	if old == nil {
		return
	}
	var next []Recorder
	for _, x := range *old {
		if x != r {
			next = append(next, x)
		}
	}
	recorders.Store(&next)
}

// Apply runs op d on the inputs with attrs a (nil for none; missing attrs take defaults). With
// any symbolic input it asks that input's Builder to add a node; otherwise it runs the kernel
// now and tells the registered recorders. It panics with a *tensor.Error naming the op on a
// wrong number of inputs, unknown or missing attrs, and whatever the kernel rejects.
func Apply(d *OpDef, a Attrs, inputs ...*Value) []*Value {
	if n := len(d.Inputs); (!d.Variadic && len(inputs) != n) || (d.Variadic && len(inputs) < n) {
		want := fmt.Sprint(n)
		if d.Variadic {
			want = "at least " + want
		}
		panic(&tensor.Error{Op: d.Name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("got %d inputs, want %s (%v)", len(inputs), want, d.Inputs)})
	}
	a = d.withDefaults(a)
	for i, in := range inputs {
		if in == nil {
			panic(&tensor.Error{Op: d.Name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("input %d (%s) is nil", i, d.Inputs[min(i, len(d.Inputs)-1)])})
		}
		if in.sym != nil {
			return in.sym.Builder().AddOp(d, a, inputs)
		}
	}
	var buf [4]*tensor.Tensor
	ts := buf[:0]
	for _, in := range inputs {
		ts = append(ts, in.t)
	}
	outs := runKernel(d, ts, a)
	vals := make([]*Value, len(outs))
	for i, t := range outs {
		vals[i] = &Value{t: t, id: nextID.Add(1)}
	}
	if rs := recorders.Load(); rs != nil {
		for _, r := range *rs {
			r.Record(d, a, inputs, vals)
		}
	}
	return vals
}

// Apply1 is Apply for ops with one output.
func Apply1(d *OpDef, a Attrs, inputs ...*Value) *Value { return Apply(d, a, inputs...)[0] }

// Attr returns attr name of a call, or its default.
func (c *GradCall) Attr(name string) any { return c.Def.attr(c.Attrs, name) }

// runKernel runs d's kernel. Kernels are built from tensor functions whose errors name the
// function ("Where"); errors are renamed to the op the user called ("SelectV2"), keeping the
// function's name in the message when it differs.
func runKernel(d *OpDef, ts []*tensor.Tensor, a Attrs) []*tensor.Tensor {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*tensor.Error); ok && e.Op != d.Name {
				panic(&tensor.Error{Op: d.Name, Kind: e.Kind, Msg: e.Msg + " (in " + e.Op + ")"})
			}
			panic(r)
		}
	}()
	return d.Kernel(ts, a)
}
