package half

// Tests against golden data produced by NumPy 1.24 (float16) and PyTorch 1.13
// (bfloat16); see testdata/gen.py for how each file was made and how to
// regenerate it. Python is not needed to run the tests.

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// torchNaN is what PyTorch 1.13 writes for every NaN converted to bfloat16
// (gen.py asserts it). half deliberately differs (see BFloat16FromFloat32),
// so NaN lanes are checked against wantBF16NaN instead.
const torchNaN = 0xffff

// wantBF16NaN is half's documented bfloat16 NaN rule: quiet, sign and top
// payload bits kept.
func wantBF16NaN(bits uint32) BFloat16 { return BFloat16(bits>>16 | 0x40) }

func isNaN32(bits uint32) bool { return bits&0x7fffffff > 0x7f800000 }

// readColumns loads a gen.py column file: gzip(uint32 count, then each
// column as little-endian byte planes). widths are the column sizes in bytes.
func readColumns(tb testing.TB, name string, widths ...int) [][]uint64 {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if len(raw) < 4 {
		tb.Fatalf("%s: truncated", name)
	}
	n := int(binary.LittleEndian.Uint32(raw))
	p := raw[4:]
	total := 0
	for _, w := range widths {
		total += w * n
	}
	if len(p) != total {
		tb.Fatalf("%s: %d bytes of columns, want %d for %d rows of widths %v", name, len(p), total, n, widths)
	}
	var cols [][]uint64
	for _, w := range widths {
		col := make([]uint64, n)
		for j := 0; j < w; j++ {
			for i, b := range p[j*n : (j+1)*n] {
				col[i] |= uint64(b) << (8 * j)
			}
		}
		p = p[w*n:]
		cols = append(cols, col)
	}
	return cols
}

// golden data is shared by several tests; load each file once.
var (
	goldenOnce                sync.Once
	goldF16Widen, goldBFWiden []uint32 // indexed by the 16-bit pattern
	goldB32In                 []float32
	goldB32F16                []Float16
	goldB32BF16               []BFloat16 // as torch wrote it (torchNaN for NaN)
	goldB64In                 []float64
	goldB64F16                []Float16
)

func loadGolden(tb testing.TB) {
	tb.Helper()
	goldenOnce.Do(func() {
		c := readColumns(tb, "f16_to_f32.bin.gz", 4)
		goldF16Widen = make([]uint32, len(c[0]))
		for i, v := range c[0] {
			goldF16Widen[i] = uint32(v)
		}
		c = readColumns(tb, "bf16_to_f32.bin.gz", 4)
		goldBFWiden = make([]uint32, len(c[0]))
		for i, v := range c[0] {
			goldBFWiden[i] = uint32(v)
		}
		c = readColumns(tb, "f32_boundary.bin.gz", 4, 2, 2)
		n := len(c[0])
		goldB32In, goldB32F16, goldB32BF16 = make([]float32, n), make([]Float16, n), make([]BFloat16, n)
		for i := range n {
			goldB32In[i] = math.Float32frombits(uint32(c[0][i]))
			goldB32F16[i] = Float16(c[1][i])
			goldB32BF16[i] = BFloat16(c[2][i])
		}
		c = readColumns(tb, "f64_boundary.bin.gz", 8, 2)
		n = len(c[0])
		goldB64In, goldB64F16 = make([]float64, n), make([]Float16, n)
		for i := range n {
			goldB64In[i] = math.Float64frombits(c[0][i])
			goldB64F16[i] = Float16(c[1][i])
		}
	})
	if len(goldF16Widen) != 65536 || len(goldBFWiden) != 65536 || len(goldB32In) == 0 || len(goldB64In) == 0 {
		tb.Fatal("golden data failed to load (see the first failure)")
	}
}

// bulkImpl is one implementation of the four slice conversions.
type bulkImpl struct {
	name      string
	f32ToF16  func([]Float16, []float32)
	f16ToF32  func([]float32, []Float16)
	f32ToBF16 func([]BFloat16, []float32)
	bf16ToF32 func([]float32, []BFloat16)
}

// bulkImpls returns the pure-Go kernels, the assembly kernels when this CPU
// can run them (whatever TENSORGRAPH_NOASM says), and the exported functions.
func bulkImpls(tb testing.TB) []bulkImpl {
	impls := []bulkImpl{{"go", float32sToFloat16sGo, float16sToFloat32sGo, float32sToBFloat16sGo, bfloat16sToFloat32sGo}}
	if asmSupported {
		impls = append(impls, bulkImpl{"asm", float32sToFloat16sAsm, float16sToFloat32sAsm, float32sToBFloat16sAsm, bfloat16sToFloat32sAsm})
	} else {
		tb.Log("no assembly kernels on this CPU/GOARCH/build; only the Go path is tested")
	}
	return append(impls, bulkImpl{"exported", Float32sToFloat16s, Float16sToFloat32s, Float32sToBFloat16s, BFloat16sToFloat32s})
}

// errs caps the number of mismatches reported by one check.
type errs struct {
	tb testing.TB
	n  int
}

func (e *errs) Errorf(format string, args ...any) {
	e.tb.Helper()
	for i, a := range args {
		// Print bit patterns, not the String method's decimal, under %x.
		switch v := a.(type) {
		case Float16:
			args[i] = uint16(v)
		case BFloat16:
			args[i] = uint16(v)
		}
	}
	e.n++
	if e.n <= 10 {
		e.tb.Errorf(format, args...)
	} else if e.n == 11 {
		e.tb.Error("... further mismatches not shown")
	}
}

func TestFloat16ToFloat32Exhaustive(t *testing.T) {
	loadGolden(t)
	src := make([]Float16, 65536)
	for i := range src {
		src[i] = Float16(i)
	}
	e := &errs{tb: t}
	for i, h := range src {
		if got := math.Float32bits(h.Float32()); got != goldF16Widen[i] {
			e.Errorf("Float16(%#04x).Float32() = %#08x, NumPy %#08x", i, got, goldF16Widen[i])
		}
	}
	for _, im := range bulkImpls(t) {
		dst := make([]float32, len(src))
		im.f16ToF32(dst, src)
		for i, f := range dst {
			if got := math.Float32bits(f); got != goldF16Widen[i] {
				e.Errorf("%s: Float16sToFloat32s[%#04x] = %#08x, NumPy %#08x", im.name, i, got, goldF16Widen[i])
			}
		}
	}
}

func TestBFloat16ToFloat32Exhaustive(t *testing.T) {
	loadGolden(t)
	src := make([]BFloat16, 65536)
	for i := range src {
		src[i] = BFloat16(i)
	}
	e := &errs{tb: t}
	for i, b := range src {
		if got := math.Float32bits(b.Float32()); got != goldBFWiden[i] {
			e.Errorf("BFloat16(%#04x).Float32() = %#08x, torch %#08x", i, got, goldBFWiden[i])
		}
	}
	for _, im := range bulkImpls(t) {
		dst := make([]float32, len(src))
		im.bf16ToF32(dst, src)
		for i, f := range dst {
			if got := math.Float32bits(f); got != goldBFWiden[i] {
				e.Errorf("%s: BFloat16sToFloat32s[%#04x] = %#08x, torch %#08x", im.name, i, got, goldBFWiden[i])
			}
		}
	}
}

// TestFloat32Boundaries checks float32 values on and next to every float16
// and bfloat16 rounding boundary (and NaN payloads) against NumPy and torch,
// through the scalar functions and every bulk implementation.
func TestFloat32Boundaries(t *testing.T) {
	loadGolden(t)
	in, want16, wantBF := goldB32In, goldB32F16, goldB32BF16
	t.Logf("%d float32 inputs", len(in))
	e := &errs{tb: t}
	checkBF := func(where string, i int, got BFloat16) {
		bits := math.Float32bits(in[i])
		switch {
		case isNaN32(bits):
			if want := wantBF16NaN(bits); got != want {
				e.Errorf("%s(%#08x) = %#04x, want quiet NaN %#04x", where, bits, got, want)
			}
			if wantBF[i] != torchNaN {
				e.Errorf("golden: torch bfloat16 of NaN %#08x is %#04x, expected %#04x", bits, wantBF[i], torchNaN)
			}
		case got != wantBF[i]:
			e.Errorf("%s(%#08x) = %#04x, torch %#04x", where, bits, got, wantBF[i])
		}
	}
	for i, f := range in {
		bits := math.Float32bits(f)
		if got := FromFloat32(f); got != want16[i] {
			e.Errorf("FromFloat32(%#08x) = %#04x, NumPy %#04x", bits, got, want16[i])
		}
		// Widening to float64 is exact, and FromFloat64 rounds directly, so it
		// must agree (not for NaN: the float32->float64 conversion quiets sNaN).
		if !isNaN32(bits) {
			if got := FromFloat64(float64(f)); got != want16[i] {
				e.Errorf("FromFloat64(float64(%#08x)) = %#04x, NumPy %#04x", bits, got, want16[i])
			}
		}
		checkBF("BFloat16FromFloat32", i, BFloat16FromFloat32(f))
		if got, want := BFloat16Truncate(f), BFloat16(bits>>16); got != want {
			e.Errorf("BFloat16Truncate(%#08x) = %#04x, want the upper half %#04x", bits, got, want)
		}
	}
	for _, im := range bulkImpls(t) {
		d16 := make([]Float16, len(in))
		im.f32ToF16(d16, in)
		for i, got := range d16 {
			if got != want16[i] {
				e.Errorf("%s: Float32sToFloat16s(%#08x) = %#04x, NumPy %#04x", im.name, math.Float32bits(in[i]), got, want16[i])
			}
		}
		dbf := make([]BFloat16, len(in))
		im.f32ToBF16(dbf, in)
		for i, got := range dbf {
			checkBF(im.name+": Float32sToBFloat16s", i, got)
		}
	}
}

func TestFloat64Boundaries(t *testing.T) {
	loadGolden(t)
	t.Logf("%d float64 inputs", len(goldB64In))
	e := &errs{tb: t}
	for i, f := range goldB64In {
		if got := FromFloat64(f); got != goldB64F16[i] {
			e.Errorf("FromFloat64(%#016x) = %#04x, NumPy %#04x", math.Float64bits(f), got, goldB64F16[i])
		}
	}
}

// splitmix64 returns n outputs of the splitmix64 generator started at seed;
// it mirrors splitmix64 in gen.py.
func splitmix64(seed uint64, n int) []uint64 {
	out := make([]uint64, n)
	s := seed
	for i := range out {
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		out[i] = z ^ z>>31
	}
	return out
}

// The random input sets of gen.py (RANDOM_SETS), regenerated here.
var (
	randomF32Sets = map[string]func(n int) []uint32{
		"f32-uniform": func(n int) []uint32 {
			out := make([]uint32, n)
			for i, z := range splitmix64(1, n) {
				out[i] = uint32(z)
			}
			return out
		},
		"f32-f16range": func(n int) []uint32 { // exponents 98..145: around float16's range
			out := make([]uint32, n)
			for i, z := range splitmix64(2, n) {
				w := uint32(z)
				out[i] = w&0x807fffff | (98+(w>>23&0xff)%48)<<23
			}
			return out
		},
	}
	randomF64Sets = map[string]func(n int) []uint64{
		"f64-uniform": func(n int) []uint64 { return splitmix64(3, n) },
		"f64-f16range": func(n int) []uint64 { // exponents 990..1045
			out := splitmix64(4, n)
			for i, z := range out {
				out[i] = z&0x800fffffffffffff | (990+(z>>52&0x7ff)%56)<<52
			}
			return out
		},
	}
)

type digestSet struct {
	name      string
	n, chunk  int
	inputs    string   // digest of all the inputs
	f16, bf16 []string // per chunk; bf16 only for float32 sets
}

func readDigests(tb testing.TB) []digestSet {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "random.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var sets []digestSet
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0 || strings.HasPrefix(line, "#"):
		case fields[0] == "set" && len(fields) == 5:
			n, err1 := strconv.Atoi(fields[2])
			c, err2 := strconv.Atoi(fields[3])
			if err1 != nil || err2 != nil || c <= 0 {
				tb.Fatalf("random.txt:%d: bad set line %q", ln, line)
			}
			sets = append(sets, digestSet{name: fields[1], n: n, chunk: c, inputs: fields[4]})
		case len(sets) > 0 && len(fields) <= 2:
			s := &sets[len(sets)-1]
			s.f16 = append(s.f16, fields[0])
			if len(fields) == 2 {
				s.bf16 = append(s.bf16, fields[1])
			}
		default:
			tb.Fatalf("random.txt:%d: unexpected line %q", ln, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return sets
}

// digestLE is the first 8 bytes of SHA-256 over v in little-endian order,
// in hex, as gen.py computes it.
func digestLE[T ~uint16 | ~uint32 | ~uint64](v []T) string {
	var b []byte
	for _, x := range v {
		switch unsafe.Sizeof(x) {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(x))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(x))
		}
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// TestRandomDigests converts several million pseudo-random float32 and float64
// bit patterns and compares the outputs, chunk by chunk, with digests of
// NumPy's and torch's outputs for the same inputs. A digest covers every bit
// of every output in its chunk; on a mismatch, gen.py --show prints the
// expected values.
func TestRandomDigests(t *testing.T) {
	sets := readDigests(t)
	if len(sets) != len(randomF32Sets)+len(randomF64Sets) {
		t.Fatalf("random.txt has %d sets, the test knows %d", len(sets), len(randomF32Sets)+len(randomF64Sets))
	}
	impls := bulkImpls(t)
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			nchunks := (s.n + s.chunk - 1) / s.chunk
			if len(s.f16) != nchunks {
				t.Fatalf("%d digests for %d chunks", len(s.f16), nchunks)
			}
			e := &errs{tb: t}
			report := func(what string, c int, got, want string) {
				start := c * s.chunk
				e.Errorf("%s: chunk %d (inputs %d..%d) digest %s, want %s; expected values: /usr/bin/python3 testdata/gen.py --show %s %d %d",
					what, c, start, min(start+s.chunk, s.n)-1, got, want, s.name, start, s.chunk)
			}
			if gen64, ok := randomF64Sets[s.name]; ok {
				in := gen64(s.n)
				if got := digestLE(in); got != s.inputs {
					t.Fatalf("inputs digest %s, gen.py's %s: the generator here no longer matches gen.py", got, s.inputs)
				}
				out := make([]Float16, s.n)
				for i, b := range in {
					out[i] = FromFloat64(math.Float64frombits(b))
				}
				for c := range nchunks {
					lo, hi := c*s.chunk, min((c+1)*s.chunk, s.n)
					if got := digestLE(out[lo:hi]); got != s.f16[c] {
						report("FromFloat64", c, got, s.f16[c])
					}
				}
				return
			}
			gen32, ok := randomF32Sets[s.name]
			if !ok {
				t.Fatalf("unknown set %q", s.name)
			}
			if len(s.bf16) != nchunks {
				t.Fatalf("%d bfloat16 digests for %d chunks", len(s.bf16), nchunks)
			}
			bits := gen32(s.n)
			if got := digestLE(bits); got != s.inputs {
				t.Fatalf("inputs digest %s, gen.py's %s: the generator here no longer matches gen.py", got, s.inputs)
			}
			in := make([]float32, s.n)
			for i, b := range bits {
				in[i] = math.Float32frombits(b)
			}
			check16 := func(what string, out []Float16) {
				for c := range nchunks {
					lo, hi := c*s.chunk, min((c+1)*s.chunk, s.n)
					if got := digestLE(out[lo:hi]); got != s.f16[c] {
						report(what, c, got, s.f16[c])
					}
				}
			}
			checkBF := func(what string, out []BFloat16) {
				// torch's NaN is not ours: check NaN lanes by rule, then
				// substitute torch's value so the digest can cover the rest.
				for i, b := range bits {
					if isNaN32(b) {
						if want := wantBF16NaN(b); out[i] != want {
							e.Errorf("%s(%#08x) = %#04x, want quiet NaN %#04x", what, b, out[i], want)
						}
						out[i] = torchNaN
					}
				}
				for c := range nchunks {
					lo, hi := c*s.chunk, min((c+1)*s.chunk, s.n)
					if got := digestLE(out[lo:hi]); got != s.bf16[c] {
						report(what, c, got, s.bf16[c])
					}
				}
			}
			s16 := make([]Float16, s.n)
			sbf := make([]BFloat16, s.n)
			for i, f := range in {
				s16[i] = FromFloat32(f)
				sbf[i] = BFloat16FromFloat32(f)
			}
			check16("FromFloat32", s16)
			checkBF("BFloat16FromFloat32", sbf) // replaces NaN lanes with torchNaN
			o16 := make([]Float16, s.n)
			obf := make([]BFloat16, s.n)
			for _, im := range impls {
				clear(o16)
				clear(obf)
				im.f32ToF16(o16, in)
				im.f32ToBF16(obf, in)
				// Element-wise against the (digest-checked) scalar results, so a
				// kernel bug is reported with its input, then by digest.
				for i := range in {
					if o16[i] != s16[i] {
						e.Errorf("%s: Float32sToFloat16s(%#08x) = %#04x, FromFloat32 %#04x", im.name, bits[i], o16[i], s16[i])
					}
					if obf[i] != sbf[i] && !isNaN32(bits[i]) {
						e.Errorf("%s: Float32sToBFloat16s(%#08x) = %#04x, BFloat16FromFloat32 %#04x", im.name, bits[i], obf[i], sbf[i])
					}
				}
				check16(im.name+": Float32sToFloat16s", o16)
				checkBF(im.name+": Float32sToBFloat16s", obf)
			}
		})
	}
}

// TestGoldenFilesPresent guards against a gen.py change that drops a file
// or set without the test noticing.
func TestGoldenFilesPresent(t *testing.T) {
	for _, name := range []string{"gen.py", "f16_to_f32.bin.gz", "bf16_to_f32.bin.gz", "f32_boundary.bin.gz", "f64_boundary.bin.gz", "random.txt", "exhaustive.txt"} {
		if _, err := os.Stat(filepath.Join("testdata", name)); err != nil {
			t.Error(err)
		}
	}
	got := map[string]bool{}
	for _, s := range readDigests(t) {
		got[s.name] = true
	}
	for name := range randomF32Sets {
		if !got[name] {
			t.Errorf("random.txt lacks set %q", name)
		}
	}
	for name := range randomF64Sets {
		if !got[name] {
			t.Errorf("random.txt lacks set %q", name)
		}
	}
}
