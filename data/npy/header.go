package npy

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// magic is the first six bytes of every .npy file; two version bytes follow.
const magic = "\x93NUMPY"

const (
	// align is the multiple of bytes at which written data starts. NumPy >= 1.14 pads to 64 so
	// that the data can be memory-mapped with any alignment an element type might need.
	align = 64
	// growthDigits is NumPy's GROWTH_AXIS_MAX_DIGITS: np.save leaves room in the header for the
	// growth axis (the first, or the last in Fortran order) to reach 21 digits, so that a writer
	// appending rows can rewrite the header in place. We add the same spaces to match its bytes.
	growthDigits = 21
	// maxHeaderLen bounds the header we read and write. It is far above anything a real array
	// needs (NumPy itself refuses headers over 10000 bytes by default) and keeps a lying length
	// field from costing more than this much memory.
	maxHeaderLen = 1 << 20
	// maxBytes bounds the data of one array (1 PiB; less on 32-bit platforms). Shapes whose product of non-zero dimensions
	// exceeds it are refused even when they hold no elements, as NumPy refuses them, so that
	// strides computed from the shape cannot overflow.
	maxBytes = min(1<<50, math.MaxInt>>4)
)

// header is the decoded dictionary of a .npy header.
type header struct {
	dtype   tensor.DType
	swap    bool // data is big-endian
	fortran bool
	shape   []int
}

// descrOf is the descr written for each dtype. NumPy spells one-byte types with '|' (byte order
// does not apply). bfloat16 has no NumPy type; '<V2' is what np.save writes for an ml_dtypes
// bfloat16 array, so files we write load there as raw 2-byte records that
// arr.view(ml_dtypes.bfloat16) turns back into numbers.
func descrOf(dt tensor.DType) (string, bool) {
	switch dt {
	case tensor.Float32:
		return "<f4", true
	case tensor.Float64:
		return "<f8", true
	case tensor.Float16:
		return "<f2", true
	case tensor.BFloat16:
		return "<V2", true
	case tensor.Int8:
		return "|i1", true
	case tensor.Int32:
		return "<i4", true
	case tensor.Int64:
		return "<i8", true
	case tensor.Uint8:
		return "|u1", true
	case tensor.Bool:
		return "|b1", true
	}
	return "", false
}

// supported is appended to messages about descrs we cannot read.
const supported = "supported: '<f2' '<f4' '<f8' '<V2' (bfloat16) '|i1' '<i4' '<i8' '|u1' '|b1' and their '>' forms"

// parseDescr maps a descr string onto a dtype. Multi-byte types need an explicit '<' or '>':
// NumPy always writes one, and a file without it would depend on the writer's machine.
func parseDescr(s string) (dt tensor.DType, swap bool, err error) {
	if s == "" {
		return 0, false, fmt.Errorf("empty descr")
	}
	order, rest := byte(0), s
	if strings.IndexByte("<>|=", s[0]) >= 0 {
		order, rest = s[0], s[1:]
	}
	switch rest {
	case "f2":
		dt = tensor.Float16
	case "f4":
		dt = tensor.Float32
	case "f8":
		dt = tensor.Float64
	case "V2":
		// Any 2-byte void is taken as bfloat16: it is what ml_dtypes produces ('<V2'), and what
		// NumPy writes back ('|V2') after loading such a file without ml_dtypes.
		dt = tensor.BFloat16
	case "i1":
		dt = tensor.Int8
	case "i4":
		dt = tensor.Int32
	case "i8":
		dt = tensor.Int64
	case "u1":
		dt = tensor.Uint8
	case "b1":
		dt = tensor.Bool
	default:
		return 0, false, fmt.Errorf("unsupported descr %s (%s); %s", pyStr(s), describeDescr(rest), supported)
	}
	switch {
	case order == '=' || order == 0:
		return 0, false, fmt.Errorf("descr %s has no explicit byte order; want '<' or '>'", pyStr(s))
	case order == '|' && dt.Size() > 1 && dt != tensor.BFloat16:
		return 0, false, fmt.Errorf("descr %s: byte order '|' is only valid for one-byte types; want '<' or '>'", pyStr(s))
	}
	return dt, order == '>' && dt.Size() > 1, nil
}

// describeDescr names a NumPy type code (without its byte-order character) for messages.
func describeDescr(code string) string {
	if code == "" {
		return "no type code"
	}
	kind, size := code[0], code[1:]
	n, err := strconv.Atoi(size)
	if err != nil && !(kind == 'M' || kind == 'm' || kind == 'O') {
		return "unknown type code"
	}
	switch kind {
	case 'f':
		if n == 12 || n == 16 {
			return fmt.Sprintf("float%d, C long double", n*8)
		}
		return fmt.Sprintf("float%d", n*8)
	case 'c':
		return fmt.Sprintf("complex%d", n*8)
	case 'i':
		return fmt.Sprintf("int%d", n*8)
	case 'u':
		return fmt.Sprintf("uint%d", n*8)
	case 'b':
		return fmt.Sprintf("bool of %d bytes", n)
	case 'S', 'a':
		return fmt.Sprintf("byte string of %d bytes", n)
	case 'U':
		return fmt.Sprintf("unicode string of %d characters", n)
	case 'V':
		return fmt.Sprintf("raw void of %d bytes; only 2-byte voids are read, as bfloat16", n)
	case 'O':
		return "Python objects, stored pickled"
	case 'M':
		return "datetime64"
	case 'm':
		return "timedelta64"
	}
	return "unknown type code"
}

// pyStr quotes s as Python's repr would for the simple strings that appear in headers.
func pyStr(s string) string {
	if strings.ContainsRune(s, '\'') {
		return strconv.Quote(s)
	}
	return "'" + s + "'"
}

// pyTuple formats a shape as Python's repr of a tuple: (), (3,), (2, 3).
func pyTuple(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// formatHeader returns everything that precedes the data: magic, version, length and the padded
// dictionary, byte for byte what NumPy's np.save writes for the same array. Version 1.0 is used
// unless the dictionary needs more than its 16-bit length field holds.
func formatHeader(h header) ([]byte, error) {
	descr, ok := descrOf(h.dtype)
	if !ok {
		return nil, fmt.Errorf("npy: cannot write dtype %v: %w", h.dtype, tensor.ErrDType)
	}
	var b strings.Builder
	b.WriteString("{'descr': ")
	b.WriteString(pyStr(descr))
	b.WriteString(", 'fortran_order': ")
	if h.fortran {
		b.WriteString("True")
	} else {
		b.WriteString("False")
	}
	b.WriteString(", 'shape': ")
	b.WriteString(pyTuple(h.shape))
	b.WriteString(", }")
	if len(h.shape) > 0 {
		g := h.shape[0]
		if h.fortran {
			g = h.shape[len(h.shape)-1]
		}
		b.WriteString(strings.Repeat(" ", max(0, growthDigits-len(strconv.Itoa(g)))))
	}
	dict := b.String()

	for _, v := range [...]struct {
		major  byte
		prefix int // magic, version and length field
		limit  int
	}{{1, 8 + 2, 1<<16 - 1}, {2, 8 + 4, maxHeaderLen}} {
		hlen := len(dict) + 1 // the final '\n'
		// Like NumPy, pad by a full 64 bytes when already aligned rather than by none.
		pad := align - (v.prefix+hlen)%align
		total := hlen + pad
		if total > v.limit {
			continue
		}
		out := make([]byte, 0, v.prefix+total)
		out = append(out, magic...)
		out = append(out, v.major, 0)
		if v.major == 1 {
			out = append(out, byte(total), byte(total>>8))
		} else {
			out = append(out, byte(total), byte(total>>8), byte(total>>16), byte(total>>24))
		}
		out = append(out, dict...)
		for range pad {
			out = append(out, ' ')
		}
		return append(out, '\n'), nil
	}
	return nil, fmt.Errorf("npy: header for shape of rank %d needs %d bytes, over the %d-byte limit: %w",
		len(h.shape), len(dict), maxHeaderLen, tensor.ErrArgument)
}

// headerParser reads the Python dict literal of a header. It accepts exactly what a Python
// literal with the three keys could be — either quote style, any whitespace, any key order, an
// optional trailing comma — and nothing that needs evaluation.
type headerParser struct {
	s   []byte
	pos int
}

type parseError struct {
	pos int // offset in the header text
	msg string
}

func (e *parseError) Error() string { return e.msg }

func (p *headerParser) fail(format string, args ...any) error {
	return &parseError{pos: p.pos, msg: fmt.Sprintf(format, args...)}
}

// next describes what is at the cursor, for "expected X, found Y" messages.
func (p *headerParser) next() string {
	if p.pos >= len(p.s) {
		return "end of header"
	}
	end := min(len(p.s), p.pos+12)
	return strconv.Quote(string(p.s[p.pos:end]))
}

func (p *headerParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *headerParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *headerParser) expect(c byte, what string) error {
	p.skipSpace()
	if p.peek() != c {
		return p.fail("expected %s, found %s", what, p.next())
	}
	p.pos++
	return nil
}

// str reads a quoted string without escapes (no header value needs one).
func (p *headerParser) str(what string) (string, error) {
	p.skipSpace()
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.fail("expected %s (a quoted string), found %s", what, p.next())
	}
	start := p.pos
	p.pos++
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return string(p.s[start+1 : p.pos-1]), nil
		case c == '\\':
			return "", p.fail("escape sequences are not supported in header strings")
		case c < 0x20 || c >= 0x7f:
			return "", p.fail("unexpected byte %#02x inside a string", c)
		}
		p.pos++
	}
	p.pos = start
	return "", p.fail("unterminated string %s", p.next())
}

func (p *headerParser) word() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			break
		}
		p.pos++
	}
	return string(p.s[start:p.pos])
}

func (p *headerParser) boolean() (bool, error) {
	p.skipSpace()
	start := p.pos
	switch w := p.word(); w {
	case "True":
		return true, nil
	case "False":
		return false, nil
	default:
		p.pos = start
		return false, p.fail("fortran_order must be True or False, found %s", p.next())
	}
}

// dim reads one non-negative dimension. A trailing 'L' is accepted because NumPy under
// Python 2 wrote long integers that way, and NumPy still reads such files.
func (p *headerParser) dim() (int, error) {
	p.skipSpace()
	start := p.pos
	if p.peek() == '-' {
		p.pos++
		digits := p.word()
		p.pos = start
		return 0, p.fail("negative dimension -%s in shape", digits)
	}
	if c := p.peek(); c < '0' || c > '9' {
		return 0, p.fail("expected a dimension (a non-negative integer), found %s", p.next())
	}
	n := 0
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		d := int(p.s[p.pos] - '0')
		if n > (maxBytes-d)/10 {
			for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
				p.pos++
			}
			digits := string(p.s[start:p.pos])
			p.pos = start
			return 0, p.fail("dimension %s is too large", digits)
		}
		n = n*10 + d
		p.pos++
	}
	if p.pos-start > 1 && p.s[start] == '0' {
		p.pos = start
		return 0, p.fail("dimension %s has a leading zero", p.next())
	}
	if p.peek() == 'L' {
		p.pos++
	}
	if c := p.peek(); c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' {
		return 0, p.fail("expected ',' or ')' after a dimension, found %s", p.next())
	}
	return n, nil
}

// tuple reads the shape: (), (n,) or (n, m, ...) with an optional trailing comma.
func (p *headerParser) tuple() ([]int, error) {
	p.skipSpace()
	if p.peek() != '(' {
		if p.peek() == '[' {
			return nil, p.fail("shape must be a tuple, found a list %s", p.next())
		}
		return nil, p.fail("expected the shape tuple '(', found %s", p.next())
	}
	p.pos++
	shape := []int{}
	for {
		p.skipSpace()
		if p.peek() == ')' {
			if len(shape) == 1 {
				// Only reachable without the comma: "(3)" is the integer 3, not a tuple.
				return nil, p.fail("shape (%d) is not a tuple: a one-element tuple needs a trailing comma", shape[0])
			}
			p.pos++
			return shape, nil
		}
		d, err := p.dim()
		if err != nil {
			return nil, err
		}
		shape = append(shape, d)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
			p.skipSpace()
			if p.peek() == ')' {
				p.pos++
				return shape, nil
			}
		case ')':
			if len(shape) > 1 {
				p.pos++
				return shape, nil
			}
		default:
			return nil, p.fail("expected ',' or ')' in shape, found %s", p.next())
		}
	}
}

// parseHeader decodes the dictionary text of a header. Errors are *parseError, whose position
// the caller turns into a file offset.
func parseHeader(s []byte) (header, error) {
	var h header
	p := &headerParser{s: s}
	if err := p.expect('{', "'{' at the start of the header dictionary"); err != nil {
		return h, err
	}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			break
		}
		keyPos := p.pos
		key, err := p.str("a key")
		if err != nil {
			return h, err
		}
		if seen[key] {
			p.pos = keyPos
			return h, p.fail("key %s appears twice", pyStr(key))
		}
		seen[key] = true
		if err := p.expect(':', "':' after key "+pyStr(key)); err != nil {
			return h, err
		}
		p.skipSpace()
		valPos := p.pos
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, p.fail("structured dtypes (descr is a list of fields) are not supported")
			}
			d, err := p.str("the descr")
			if err != nil {
				return h, err
			}
			if h.dtype, h.swap, err = parseDescr(d); err != nil {
				p.pos = valPos
				return h, p.fail("%v", err)
			}
		case "fortran_order":
			if h.fortran, err = p.boolean(); err != nil {
				return h, err
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, err
			}
		default:
			p.pos = keyPos
			return h, p.fail("unexpected key %s; a header has only 'descr', 'fortran_order' and 'shape'", pyStr(key))
		}
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return h, p.fail("expected ',' or '}' after the value of %s, found %s", pyStr(key), p.next())
		}
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return h, p.fail("unexpected %s after the header dictionary", p.next())
	}
	for _, k := range [...]string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, p.fail("header has no %s key", pyStr(k))
		}
	}
	return h, nil
}

// dataSize returns the number of data bytes the header describes, refusing shapes too large to
// exist (see maxBytes).
func (h header) dataSize() (int64, error) {
	var all int64 = 1 // product of the dimensions, zeros counted as ones
	var n int64 = 1
	for _, d := range h.shape {
		if d > 1 {
			if all > maxBytes/int64(d) {
				return 0, fmt.Errorf("shape %s is too large", pyTuple(h.shape))
			}
			all *= int64(d)
		}
		n *= int64(d)
	}
	size := int64(h.dtype.Size())
	if all > maxBytes/size {
		return 0, fmt.Errorf("shape %s of %v is too large", pyTuple(h.shape), h.dtype)
	}
	return n * size, nil
}
