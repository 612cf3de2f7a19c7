package tensor

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// String returns exactly what Python prints for repr(a), where a is a NumPy array with the same
// values, dtype and shape, under NumPy 1.24's default print options: precision=8,
// floatmode='maxprec', suppress=False, threshold=1000, edgeitems=3, linewidth=75, sign='-'.
// bfloat16 is printed as NumPy would print it if it were one of its own floating types, with
// the shortest digits that identify the value among bfloat16 values. (NumPy with ml_dtypes
// differs: it prints each bfloat16 element with the scalar's own repr, six significant digits
// and no alignment, such as 0.333984 where this prints 0.334.)
//
// The layout follows numpy.core.arrayprint step by step (_array_repr_implementation,
// _formatArray, FloatingFormat, IntegerFormat, BoolFormat) and the digits follow NumPy's Dragon4,
// because matching NumPy character for character is the point: people compare our output with
// NumPy's by eye and tests compare it by string.
func (t *Tensor) String() string {
	const prefix = "array("
	// NumPy leaves out the dtype of its default types, but shows it for an empty array,
	// whose repr would otherwise say nothing about the type.
	skipDType := (t.dtype == Float64 || t.dtype == Int64 || t.dtype == Bool) && t.NumElements() > 0
	suffix := ","
	if skipDType {
		suffix = ")"
	}
	var body string
	switch {
	case t.NumElements() > 0:
		body = t.reprBody(len(prefix), printLineWidth-len(suffix))
	case len(t.shape) == 1:
		body = "[]"
	default:
		body = "[], shape=" + pyTuple(t.shape)
	}
	s := prefix + body + suffix
	if skipDType {
		return s
	}
	dt := "dtype=" + t.dtype.String() + ")"
	if last := len(s) - (strings.LastIndexByte(s, '\n') + 1); last+len(dt)+1 > printLineWidth {
		return s + "\n" + strings.Repeat(" ", len(prefix)) + dt
	}
	return s + " " + dt
}

// Summary describes the tensor without its values, for messages about tensors too large to
// print: Tensor(float32, [2,3]).
func (t *Tensor) Summary() string {
	return "Tensor(" + t.dtype.String() + ", " + t.shape.String() + ")"
}

// NumPy's default print options, which String reproduces.
const (
	printPrecision = 8    // digits after the decimal point, at most
	printThreshold = 1000 // more elements than this are summarised with "..."
	printEdgeItems = 3    // elements kept at each end of a summarised axis
	printLineWidth = 75
)

// pyTuple formats a shape as Python's repr of a tuple: (0, 3), or (0,) for one dimension.
func pyTuple(s Shape) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(s) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// reprBody is array2string for a non-empty tensor: the bracketed values, wrapped to lineWidth,
// continuation lines indented to sit under the first element after a prefix of prefixLen
// characters.
func (t *Tensor) reprBody(prefixLen, lineWidth int) string {
	summarize := t.NumElements() > printThreshold
	p := reprPrinter{t: t, summarize: summarize}
	// Like NumPy, choose the element format (widths, digits, notation) from the elements that
	// will be shown only, so hidden outliers do not widen every column.
	p.elem = t.elemFormatter(t.shownOffsets(summarize))
	return p.format(0, t.offset, strings.Repeat(" ", prefixLen+1), lineWidth)
}

// shownOffsets returns the storage index of every element that a (possibly summarised) repr
// shows: on each axis longer than 2*edgeitems, the first and last edgeitems indices.
func (t *Tensor) shownOffsets(summarize bool) []int {
	offs := []int{t.offset}
	for ax, d := range t.shape {
		var idx []int
		if summarize && d > 2*printEdgeItems {
			for i := 0; i < printEdgeItems; i++ {
				idx = append(idx, i)
			}
			for i := d - printEdgeItems; i < d; i++ {
				idx = append(idx, i)
			}
		} else {
			for i := 0; i < d; i++ {
				idx = append(idx, i)
			}
		}
		next := make([]int, 0, len(offs)*len(idx))
		for _, o := range offs {
			for _, i := range idx {
				next = append(next, o+i*t.strides[ax])
			}
		}
		offs = next
	}
	return offs
}

// reprPrinter is NumPy's _formatArray: it lays out nested brackets, wrapping rows of elements
// at the line width and separating blocks of rank >= 2 with blank lines.
type reprPrinter struct {
	t         *Tensor
	summarize bool
	elem      func(off int) string
}

func (p *reprPrinter) format(axis, off int, hanging string, width int) string {
	t := p.t
	if axis == len(t.shape) {
		return p.elem(off)
	}
	// Inner levels are indented one more (for their "[") and must leave room for a "]".
	nextHanging := hanging + " "
	nextWidth := width - 1
	n, stride := t.shape[axis], t.strides[axis]
	summary := p.summarize && n > 2*printEdgeItems
	lead, trail := 0, n
	if summary {
		lead, trail = printEdgeItems, printEdgeItems
	}
	child := func(i int) string { return p.format(axis+1, off+i*stride, nextHanging, nextWidth) }

	var s strings.Builder
	if axis == len(t.shape)-1 {
		// Each element must leave room for the "," or "]" that follows it.
		elemWidth := width - 1
		line := hanging
		add := func(word string) { line = reprExtendLine(&s, line, word, elemWidth, hanging) }
		for i := 0; i < lead; i++ {
			add(child(i))
			line += ", "
		}
		if summary {
			add("...")
			line += ", "
		}
		for i := trail; i > 1; i-- {
			add(child(n - i))
			line += ", "
		}
		add(child(n - 1))
		s.WriteString(line)
	} else {
		sep := "," + strings.Repeat("\n", len(t.shape)-axis-1)
		for i := 0; i < lead; i++ {
			s.WriteString(hanging + child(i) + sep)
		}
		if summary {
			s.WriteString(hanging + "..." + sep)
		}
		for i := trail; i > 1; i-- {
			s.WriteString(hanging + child(n-i) + sep)
		}
		s.WriteString(hanging + child(n-1))
	}
	return "[" + s.String()[len(hanging):] + "]"
}

// reprExtendLine is NumPy's _extendLine: it appends word to line, first moving to a new line
// when the word would pass width, unless the line holds nothing but its indent (wrapping would
// not help then).
func reprExtendLine(s *strings.Builder, line, word string, width int, indent string) string {
	if len(line)+len(word) > width && len(line) > len(indent) {
		s.WriteString(strings.TrimRight(line, " "))
		s.WriteByte('\n')
		line = indent
	}
	return line + word
}

// elemFormatter returns the function that prints one element, its widths fitted to the
// elements at the given storage offsets.
func (t *Tensor) elemFormatter(shown []int) func(off int) string {
	b := t.storage.bytes
	switch t.dtype {
	case Bool:
		v := typed[bool](b)
		// " True" lines up with "False" except in a 0-d array, which has nothing to line up with.
		trueStr := " True"
		if len(t.shape) == 0 {
			trueStr = "True"
		}
		return func(off int) string {
			if v[off] {
				return trueStr
			}
			return "False"
		}
	case Int8, Int32, Int64, Uint8:
		get := reprIntReader(t.dtype, b)
		lo, hi := get(shown[0]), get(shown[0])
		for _, o := range shown {
			lo, hi = min(lo, get(o)), max(hi, get(o))
		}
		w := max(len(strconv.FormatInt(lo, 10)), len(strconv.FormatInt(hi, 10)))
		return func(off int) string {
			s := strconv.FormatInt(get(off), 10)
			return strings.Repeat(" ", w-len(s)) + s
		}
	case Float64, Float32, Float16, BFloat16:
		l := reprLayoutOf(t.dtype)
		get := reprBitsReader(t.dtype, b)
		raw := make([]uint64, len(shown))
		for i, o := range shown {
			raw[i] = get(o)
		}
		f := newReprFloatFormat(l, raw)
		return func(off int) string { return f.format(get(off)) }
	}
	panicf("String", ErrDType, "unsupported dtype %v", t.dtype)
	return nil
}

func reprIntReader(dt DType, b []byte) func(int) int64 {
	switch dt {
	case Int8:
		v := typed[int8](b)
		return func(i int) int64 { return int64(v[i]) }
	case Int32:
		v := typed[int32](b)
		return func(i int) int64 { return int64(v[i]) }
	case Uint8:
		v := typed[uint8](b)
		return func(i int) int64 { return int64(v[i]) }
	}
	v := typed[int64](b)
	return func(i int) int64 { return v[i] }
}

// reprBitsReader reads elements as raw bit patterns: the digits depend on the format the value
// is stored in, not only on its value, and reading bits keeps printing independent of the
// float16 conversion code.
func reprBitsReader(dt DType, b []byte) func(int) uint64 {
	switch dt {
	case Float64:
		v := typed[uint64](b)
		return func(i int) uint64 { return v[i] }
	case Float32:
		v := typed[uint32](b)
		return func(i int) uint64 { return uint64(v[i]) }
	}
	v := typed[uint16](b)
	return func(i int) uint64 { return uint64(v[i]) }
}

// reprLayout describes a binary floating-point format.
type reprLayout struct {
	mantBits, expBits uint
	// ratioLimit is the largest max/min ratio of the shown magnitudes that still prints in
	// positional notation. NumPy computes max/min in the array's dtype and compares with 1000;
	// float16 and bfloat16 division rounds a float32 quotient to the dtype, so (rounding being
	// monotonic) comparing the float32 quotient with the rounding midpoint above 1000, whose
	// tie goes down to the even 1000, gives the same answer.
	ratioLimit   float64
	float32Ratio bool
}

func reprLayoutOf(dt DType) reprLayout {
	switch dt {
	case Float64:
		return reprLayout{mantBits: 52, expBits: 11, ratioLimit: 1000}
	case Float32:
		return reprLayout{mantBits: 23, expBits: 8, ratioLimit: 1000, float32Ratio: true}
	case Float16:
		return reprLayout{mantBits: 10, expBits: 5, ratioLimit: 1000.25, float32Ratio: true}
	}
	return reprLayout{mantBits: 7, expBits: 8, ratioLimit: 1002, float32Ratio: true}
}

// reprFloat is a decoded float: value = mant * 2^exp2 for finite values.
type reprFloat struct {
	neg, inf, nan bool
	mant          uint64
	exp2          int
	mantBit       int  // index of the highest set bit of mant
	unequal       bool // the gap to the next smaller float is half the gap to the next larger
	bitSize       int  // 32 or 64 where strconv knows the format, else 0
}

func (l reprLayout) decode(raw uint64) reprFloat {
	frac := raw & (1<<l.mantBits - 1)
	e := int(raw>>l.mantBits) & (1<<l.expBits - 1)
	p := reprFloat{neg: raw>>(l.mantBits+l.expBits)&1 != 0}
	switch l.mantBits {
	case 23:
		p.bitSize = 32
	case 52:
		p.bitSize = 64
	}
	bias := 1<<(l.expBits-1) - 1
	switch {
	case e == 1<<l.expBits-1:
		p.inf, p.nan = frac == 0, frac != 0
	case e != 0:
		p.mant = 1<<l.mantBits | frac
		p.exp2 = e - bias - int(l.mantBits)
		p.mantBit = int(l.mantBits)
		p.unequal = e != 1 && frac == 0
	default:
		p.mant = frac
		p.exp2 = 1 - bias - int(l.mantBits)
		if frac != 0 {
			p.mantBit = 63 - bits.LeadingZeros64(frac)
		}
	}
	return p
}

// abs returns the magnitude of a finite value, exactly.
func (p reprFloat) abs() float64 { return math.Ldexp(float64(p.mant), p.exp2) }

// reprFloatFormat is NumPy's FloatingFormat in 'maxprec' mode: it picks positional or scientific
// notation and the padding that aligns the decimal points of all shown elements.
type reprFloatFormat struct {
	l         reprLayout
	sci       bool
	precision int
	minDigits int
	trimZeros bool // trim='.' (drop trailing zeros, keep the point) rather than 'k'
	padLeft   int
	padRight  int
	expSize   int
}

func newReprFloatFormat(l reprLayout, shown []uint64) *reprFloatFormat {
	f := &reprFloatFormat{l: l, precision: printPrecision, trimZeros: true, expSize: -1, minDigits: -1}
	var finite []reprFloat
	nonFinite, negInf := false, false
	maxAbs, minAbs, nonZero := 0.0, 0.0, false
	for _, b := range shown {
		p := l.decode(b)
		if p.inf || p.nan {
			nonFinite = true
			negInf = negInf || (p.inf && p.neg)
			continue
		}
		finite = append(finite, p)
		if p.mant == 0 {
			continue
		}
		a := p.abs()
		if !nonZero {
			maxAbs, minAbs, nonZero = a, a, true
		}
		maxAbs, minAbs = max(maxAbs, a), min(minAbs, a)
	}
	if nonZero {
		ratio := maxAbs / minAbs
		if l.float32Ratio {
			ratio = float64(float32(maxAbs) / float32(minAbs))
		}
		f.sci = maxAbs >= 1e8 || minAbs < 1e-4 || ratio > l.ratioLimit
	}
	switch {
	case len(finite) == 0:
		f.padLeft, f.padRight = 0, 0
	case f.sci:
		// A first pass with unique digits finds the longest mantissa fraction; every element is
		// then printed with that many digits, and exponents padded to a common width.
		maxInt, maxFrac, maxExp := 0, 0, 0
		for _, p := range finite {
			s := formatScientific(p, printPrecision, -1, true, -1, -1)
			m, e, _ := strings.Cut(s, "e")
			i, fr, _ := strings.Cut(m, ".")
			maxInt, maxFrac, maxExp = max(maxInt, len(i)), max(maxFrac, len(fr)), max(maxExp, len(e)-1)
		}
		f.expSize = maxExp
		f.trimZeros = false
		f.precision, f.minDigits = maxFrac, maxFrac
		f.padLeft = maxInt
		f.padRight = maxExp + 2 + maxFrac
	default:
		maxInt, maxFrac := 0, 0
		for _, p := range finite {
			s := formatPositional(p, printPrecision, -1, true, -1, -1)
			i, fr, _ := strings.Cut(s, ".")
			maxInt, maxFrac = max(maxInt, len(i)), max(maxFrac, len(fr))
		}
		f.padLeft, f.padRight = maxInt, maxFrac
		f.minDigits = 0
	}
	if nonFinite {
		// nan and inf are right-aligned in the same width as the numbers, widening it if needed.
		infLen := 3
		if negInf {
			infLen = 4
		}
		f.padLeft = max(f.padLeft, 3-(f.padRight+1), infLen-(f.padRight+1))
	}
	return f
}

func (f *reprFloatFormat) format(raw uint64) string {
	p := f.l.decode(raw)
	if p.inf || p.nan {
		s := "nan"
		if p.inf {
			s = "inf"
			if p.neg {
				s = "-inf"
			}
		}
		return strings.Repeat(" ", max(0, f.padLeft+f.padRight+1-len(s))) + s
	}
	if f.sci {
		return formatScientific(p, f.precision, f.minDigits, f.trimZeros, f.padLeft, f.expSize)
	}
	return formatPositional(p, f.precision, f.minDigits, f.trimZeros, f.padLeft, f.padRight)
}

// formatPositional is NumPy's dragon4_positional with unique=True, fractional=True: at most
// precision digits after the point, at least minDigits (-1: no minimum), trailing zeros trimmed
// when trimZeros, then padded with spaces to padLeft characters before the point and padRight
// digits after it (-1: no padding).
func formatPositional(p reprFloat, precision, minDigits int, trimZeros bool,
	padLeft, padRight int) string {
	digits, exp10 := decimalDigits(p, false, precision, minDigits)
	var b []byte
	sign := 0
	if p.neg {
		b = append(b, '-')
		sign = 1
	}
	whole, frac := 1, 0
	if exp10 >= 0 {
		whole = exp10 + 1
		if len(digits) <= whole {
			// NumPy pads a short unique digit string with zeros up to the point (65500. for
			// float16 65504 when no minimum digit count forces the exact digits).
			b = append(b, digits...)
			b = append(b, strings.Repeat("0", whole-len(digits))...)
		} else {
			frac = len(digits) - whole
			b = append(b, digits[:whole]...)
			b = append(b, '.')
			b = append(b, digits[whole:]...)
		}
	} else {
		zeros := -(exp10 + 1)
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", zeros)...)
		b = append(b, digits...)
		frac = zeros + len(digits)
	}
	if frac == 0 {
		b = append(b, '.')
	}
	if !trimZeros && minDigits > frac {
		b = append(b, strings.Repeat("0", minDigits-frac)...)
		frac = minDigits
	}
	if trimZeros && frac > 0 {
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
			frac--
		}
	}
	s := string(b)
	if padRight >= frac {
		s += strings.Repeat(" ", padRight-frac)
	}
	if padLeft > whole+sign {
		s = strings.Repeat(" ", padLeft-whole-sign) + s
	}
	return s
}

// formatScientific is NumPy's dragon4_scientific with unique=True: at most precision digits
// after the point of the mantissa, at least minDigits (-1: no minimum), trailing zeros trimmed
// when trimZeros, the mantissa padded with spaces to padLeft characters before the point, and
// the exponent zero-padded to expDigits digits (at least 2).
func formatScientific(p reprFloat, precision, minDigits int, trimZeros bool,
	padLeft, expDigits int) string {
	var b []byte
	left := 1
	if p.neg {
		left = 2
	}
	if padLeft > left {
		b = append(b, strings.Repeat(" ", padLeft-left)...)
	}
	if p.neg {
		b = append(b, '-')
	}
	cutMax, cutMin := -1, -1
	if precision >= 0 {
		cutMax = precision + 1
	}
	if minDigits >= 0 {
		cutMin = minDigits + 1
	}
	digits, exp10 := decimalDigits(p, true, cutMax, cutMin)
	b = append(b, digits[0], '.')
	b = append(b, digits[1:]...)
	frac := len(digits) - 1
	if !trimZeros && minDigits > frac {
		b = append(b, strings.Repeat("0", minDigits-frac)...)
		frac = minDigits
	}
	if trimZeros && frac > 0 {
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	if expDigits < 0 {
		expDigits = 2
	}
	b = append(b, 'e')
	if exp10 < 0 {
		b = append(b, '-')
		exp10 = -exp10
	} else {
		b = append(b, '+')
	}
	e := strconv.Itoa(exp10)
	if len(e) < expDigits {
		b = append(b, strings.Repeat("0", expDigits-len(e))...)
	}
	b = append(b, e...)
	return string(b)
}

// decimalDigits returns dragon4's digits (up to trailing zeros, which the callers trim or pad
// alike), from strconv when that gives the same answer, because Dragon4 on big integers is
// several times slower.
func decimalDigits(p reprFloat, total bool, cutMax, cutMin int) ([]byte, int) {
	if d, e, ok := strconvDigits(p, total, cutMax, cutMin); ok {
		return d, e
	}
	return dragon4(p, total, cutMax, cutMin)
}

// strconvDigits is dragon4 for float32 and float64 values whose neighbours are equally far
// away. For those, Dragon4's unique digits are strconv's shortest round-trip digits, and
// stopping at those digits is rounding to nearest there; so when cutMax cuts the shortest
// digits short, or cutMin asks for more, the result is the value correctly rounded (ties to
// even) at the cut, which strconv's fixed-precision formats give. Powers of two, whose lower
// neighbour is nearer, can round differently in Dragon4 and are left to it.
func strconvDigits(p reprFloat, total bool, cutMax, cutMin int) ([]byte, int, bool) {
	if p.bitSize == 0 || p.unequal || p.mant == 0 {
		return nil, 0, false
	}
	v := p.abs()
	var buf [40]byte
	digits, exp10 := parseStrconvExp(strconv.AppendFloat(buf[:0], v, 'e', -1, p.bitSize))
	n := len(digits)
	if total {
		want := n
		if cutMin >= 0 {
			want = max(want, cutMin)
		}
		if cutMax >= 0 {
			want = min(want, cutMax)
		}
		if want == n {
			return digits, exp10, true
		}
		d, e := parseStrconvExp(strconv.AppendFloat(buf[:0], v, 'e', want-1, 64))
		return d, e, true
	}
	// Dragon4 treats values below the cut specially (it may print a lone 0 or 1 there); they
	// never reach positional notation in an array repr, so they are left to it.
	if v < 1e-7 {
		return nil, 0, false
	}
	last := exp10 - n + 1 // the decimal exponent of the last digit
	switch {
	case cutMax >= 0 && last < -cutMax:
		d, e := parseStrconvFixed(strconv.AppendFloat(buf[:0], v, 'f', cutMax, 64))
		return d, e, true
	case cutMin >= 0 && last > -cutMin:
		d, e := parseStrconvFixed(strconv.AppendFloat(buf[:0], v, 'f', cutMin, 64))
		return d, e, true
	}
	return digits, exp10, true
}

// parseStrconvExp splits strconv's 'e' format of a positive number ("1.2345e-05") into its
// digits and the decimal exponent of the first digit.
func parseStrconvExp(s []byte) ([]byte, int) {
	i := strings.IndexByte(string(s), 'e')
	e, _ := strconv.Atoi(string(s[i+1:]))
	d := append([]byte{s[0]}, s[min(2, i):i]...)
	return d, e
}

// parseStrconvFixed does the same for strconv's 'f' format of a positive, nonzero number
// ("0.00012346", "87654320").
func parseStrconvFixed(s []byte) ([]byte, int) {
	point := strings.IndexByte(string(s), '.')
	if point < 0 {
		point = len(s)
	}
	d := make([]byte, 0, len(s))
	for _, c := range s {
		if c != '.' {
			d = append(d, c)
		}
	}
	lead := 0
	for lead < len(d)-1 && d[lead] == '0' {
		lead++
	}
	return d[lead:], point - 1 - lead
}

// dragon4 is NumPy's Dragon4 in unique mode (a port of numpy/core/src/multiarray/dragon4.c).
// It returns the decimal digits of |p| and the decimal exponent of the first digit. Digits stop
// as soon as they identify the value among its neighbours in its own format (bounds inclusive
// when the mantissa is even, as round-half-even parsing allows), but never before the cutMin
// position and never after the cutMax position (-1: no limit); positions count digits in total
// when total is set and digits after the decimal point otherwise.
//
// It is ported rather than built on strconv because NumPy's output depends on details that
// shortest-digit algorithms do not share: digits forced by cutMin are the value's exact digits
// (NumPy prints float16 65504 as 65504. in an array but 65500.0 as a scalar), and digits cut
// by cutMax round up when only the upper bound allows stopping.
func dragon4(p reprFloat, total bool, cutMax, cutMin int) ([]byte, int) {
	if p.mant == 0 {
		return []byte{'0'}, 0
	}
	isEven := p.mant%2 == 0
	// value = mant*2^exp2 = scaledValue/scale; the margins are half the gaps to the
	// neighbouring floats, on the same scale.
	var value, scale, mLow, mHigh big.Int
	value.SetUint64(p.mant)
	shift := 1
	if p.unequal {
		shift = 2
	}
	if p.exp2 > 0 {
		value.Lsh(&value, uint(p.exp2+shift))
		scale.SetInt64(int64(1) << uint(shift))
		mLow.Lsh(big.NewInt(1), uint(p.exp2))
	} else {
		value.Lsh(&value, uint(shift))
		scale.Lsh(big.NewInt(1), uint(-p.exp2+shift))
		mLow.SetInt64(1)
	}
	setHigh := func() {
		if p.unequal {
			mHigh.Lsh(&mLow, 1)
		} else {
			mHigh.Set(&mLow)
		}
	}
	setHigh()

	// An estimate of floor(log10(v))+1 that is exact or one too small.
	const log10of2 = 0.30102999566398119521373889472449
	digitExp := int(math.Ceil(float64(p.mantBit+p.exp2)*log10of2 - 0.69))
	if cutMax >= 0 && !total && digitExp <= -cutMax {
		digitExp = -cutMax + 1
	}
	ten := big.NewInt(10)
	if digitExp > 0 {
		var pow big.Int
		pow.Exp(ten, big.NewInt(int64(digitExp)), nil)
		scale.Mul(&scale, &pow)
	} else if digitExp < 0 {
		var pow big.Int
		pow.Exp(ten, big.NewInt(int64(-digitExp)), nil)
		value.Mul(&value, &pow)
		mLow.Mul(&mLow, &pow)
		setHigh()
	}
	if value.Cmp(&scale) >= 0 {
		digitExp++
	} else {
		value.Mul(&value, ten)
		mLow.Mul(&mLow, ten)
		setHigh()
	}

	cutMaxExp := digitExp - 1<<20
	if cutMax >= 0 {
		want := -cutMax
		if total {
			want = digitExp - cutMax
		}
		cutMaxExp = max(cutMaxExp, want)
	}
	cutMinExp := digitExp
	if cutMin >= 0 {
		want := -cutMin
		if total {
			want = digitExp - cutMin
		}
		cutMinExp = min(cutMinExp, want)
	}
	exp10 := digitExp - 1

	var digits []byte
	var q, high big.Int
	var digit byte
	var low, hi bool
	for {
		digitExp--
		q.QuoRem(&value, &scale, &value)
		digit = byte(q.Int64())
		high.Add(&value, &mHigh)
		c := value.Cmp(&mLow)
		low = c < 0 || (isEven && c == 0)
		c = high.Cmp(&scale)
		hi = c > 0 || (isEven && c == 0)
		if ((low || hi) && digitExp <= cutMinExp) || digitExp == cutMaxExp {
			break
		}
		digits = append(digits, '0'+digit)
		value.Mul(&value, ten)
		mLow.Mul(&mLow, ten)
		setHigh()
	}

	roundDown := low
	if low == hi {
		// Both (or neither) neighbours allow stopping here: round to the nearer digit, ties to even.
		value.Lsh(&value, 1)
		c := value.Cmp(&scale)
		roundDown = c < 0 || (c == 0 && digit%2 == 0)
	}
	if roundDown {
		return append(digits, '0'+digit), exp10
	}
	if digit < 9 {
		return append(digits, '0'+digit+1), exp10
	}
	for len(digits) > 0 && digits[len(digits)-1] == '9' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return []byte{'1'}, exp10 + 1
	}
	digits[len(digits)-1]++
	return digits, exp10
}
