package tensor

// Comparisons return bool tensors; like the arithmetic ops they broadcast and need one dtype.
// NaN compares unequal to everything, including itself.

func eqK[T Number | bool](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x == b[i]
	}
}

func neK[T Number | bool](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x != b[i]
	}
}

func ltK[T Number](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x < b[i]
	}
}

func leK[T Number](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x <= b[i]
	}
}

func gtK[T Number](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x > b[i]
	}
}

func geK[T Number](d []bool, a, b []T) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x >= b[i]
	}
}

func andK(d, a, b []bool) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x && b[i]
	}
}

func orK(d, a, b []bool) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x || b[i]
	}
}

func xorK(d, a, b []bool) {
	b, d = b[:len(a)], d[:len(a)]
	for i, x := range a {
		d[i] = x != b[i]
	}
}

var (
	eqKernels  = &binaryKernels{f32: eqK[float32], f64: eqK[float64], i8: eqK[int8], i32: eqK[int32], i64: eqK[int64], u8: eqK[uint8], b: eqK[bool]}
	neKernels  = &binaryKernels{f32: neK[float32], f64: neK[float64], i8: neK[int8], i32: neK[int32], i64: neK[int64], u8: neK[uint8], b: neK[bool]}
	ltKernels  = &binaryKernels{f32: ltK[float32], f64: ltK[float64], i8: ltK[int8], i32: ltK[int32], i64: ltK[int64], u8: ltK[uint8]}
	leKernels  = &binaryKernels{f32: leK[float32], f64: leK[float64], i8: leK[int8], i32: leK[int32], i64: leK[int64], u8: leK[uint8]}
	gtKernels  = &binaryKernels{f32: gtK[float32], f64: gtK[float64], i8: gtK[int8], i32: gtK[int32], i64: gtK[int64], u8: gtK[uint8]}
	geKernels  = &binaryKernels{f32: geK[float32], f64: geK[float64], i8: geK[int8], i32: geK[int32], i64: geK[int64], u8: geK[uint8]}
	andKernels = &binaryKernels{b: andK}
	orKernels  = &binaryKernels{b: orK}
	xorKernels = &binaryKernels{b: xorK}
)

// Equal returns a == b elementwise.
func Equal(a, b *Tensor) *Tensor { return binary("Equal", a, b, eqKernels, true) }

// NotEqual returns a != b elementwise.
func NotEqual(a, b *Tensor) *Tensor { return binary("NotEqual", a, b, neKernels, true) }

// Less returns a < b elementwise (numeric dtypes).
func Less(a, b *Tensor) *Tensor { return binary("Less", a, b, ltKernels, true) }

// LessEqual returns a <= b elementwise (numeric dtypes).
func LessEqual(a, b *Tensor) *Tensor { return binary("LessEqual", a, b, leKernels, true) }

// Greater returns a > b elementwise (numeric dtypes).
func Greater(a, b *Tensor) *Tensor { return binary("Greater", a, b, gtKernels, true) }

// GreaterEqual returns a >= b elementwise (numeric dtypes).
func GreaterEqual(a, b *Tensor) *Tensor { return binary("GreaterEqual", a, b, geKernels, true) }

// LogicalAnd returns a && b for bool tensors.
func LogicalAnd(a, b *Tensor) *Tensor { return binary("LogicalAnd", a, b, andKernels, false) }

// LogicalOr returns a || b for bool tensors.
func LogicalOr(a, b *Tensor) *Tensor { return binary("LogicalOr", a, b, orKernels, false) }

// LogicalXor returns a != b for bool tensors.
func LogicalXor(a, b *Tensor) *Tensor { return binary("LogicalXor", a, b, xorKernels, false) }

// Where returns x where cond is true and y elsewhere; cond (bool), x and y broadcast together,
// and x and y must share a dtype (numpy.where, tf.where with three arguments).
func Where(cond, x, y *Tensor) *Tensor {
	const op = "Where"
	if cond.dtype != Bool {
		panicf(op, ErrDType, "condition must be bool, got %v", cond.dtype)
	}
	if x.dtype != y.dtype {
		panicf(op, ErrDType, "x and y have different dtypes %v and %v", x.dtype, y.dtype)
	}
	shape, ok := BroadcastShapes(cond.shape, x.shape, y.shape)
	if !ok {
		panicf(op, ErrShape, "shapes %v (cond), %v (x) and %v (y) are not broadcastable", cond.shape, x.shape, y.shape)
	}
	out := New(x.dtype, shape...)
	c, xb, yb := cond.BroadcastTo(shape...), x.BroadcastTo(shape...), y.BroadcastTo(shape...)
	// Selection moves elements without interpreting them, so it works on raw words.
	switch x.dtype.Size() {
	case 1:
		whereRows[uint8](out, c, xb, yb)
	case 2:
		whereRows[uint16](out, c, xb, yb)
	case 4:
		whereRows[uint32](out, c, xb, yb)
	case 8:
		whereRows[uint64](out, c, xb, yb)
	}
	return out
}

func whereRows[T any](out, c, x, y *Tensor) {
	od, cd := typed[T](out.storage.bytes), typed[bool](c.storage.bytes)
	xd, yd := typed[T](x.storage.bytes), typed[T](y.storage.bytes)
	forEachRow(out.shape, []layout{out.layout(), c.layout(), x.layout(), y.layout()}, func(offs []int, n int, inner []int) {
		oi, ci, xi, yi := offs[0], offs[1], offs[2], offs[3]
		for range n {
			if cd[ci] {
				od[oi] = xd[xi]
			} else {
				od[oi] = yd[yi]
			}
			oi += inner[0]
			ci += inner[1]
			xi += inner[2]
			yi += inner[3]
		}
	})
}
