//go:build exhaustive

package half

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestExhaustiveFloat32 converts every one of the 2^32 float32 bit patterns
// and compares the results with NumPy (float16) and torch (bfloat16) through
// per-chunk digests in testdata/exhaustive.txt (gen.py --exhaustive). The
// bulk implementations are compared element by element with the scalar
// functions, whose output the digests cover. It takes a minute or more, so it
// is built only with -tags exhaustive: go test -tags exhaustive -run Exhaustive ./half/
func TestExhaustiveFloat32(t *testing.T) {
	const chunkBits = 24
	const chunk = 1 << chunkBits
	want := readExhaustive(t)
	if len(want) != 1<<(32-chunkBits) {
		t.Fatalf("exhaustive.txt has %d chunks, want %d", len(want), 1<<(32-chunkBits))
	}
	impls := bulkImpls(t)
	workers := min(runtime.GOMAXPROCS(0), 4) // each needs ~200 MB
	next := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := make([]float32, chunk)
			s16, sbf := make([]Float16, chunk), make([]BFloat16, chunk)
			o16, obf := make([]Float16, chunk), make([]BFloat16, chunk)
			buf := make([]byte, 2*chunk)
			var fails []string
			for k := range next {
				base := uint32(k) << chunkBits
				for i := range in {
					in[i] = math.Float32frombits(base | uint32(i))
				}
				for i, f := range in {
					s16[i] = FromFloat32(f)
					sbf[i] = BFloat16FromFloat32(f)
				}
				for _, im := range impls {
					im.f32ToF16(o16, in)
					im.f32ToBF16(obf, in)
					for i := range in {
						if o16[i] != s16[i] || obf[i] != sbf[i] {
							fails = append(fails, im.name+": input "+hex32(base|uint32(i))+" differs from the scalar functions")
							break
						}
					}
				}
				for i, f := range in {
					if bits := math.Float32bits(f); isNaN32(bits) {
						if sbf[i] != wantBF16NaN(bits) {
							fails = append(fails, "BFloat16FromFloat32("+hex32(bits)+") is not the documented quiet NaN")
							break
						}
						sbf[i] = torchNaN
					}
				}
				got16, gotBF := digestInto(buf, s16), digestInto(buf, sbf)
				if got16 != want[k][0] {
					fails = append(fails, "FromFloat32: chunk "+hex32(base)+".. digest "+got16+", NumPy "+want[k][0])
				}
				if gotBF != want[k][1] {
					fails = append(fails, "BFloat16FromFloat32: chunk "+hex32(base)+".. digest "+gotBF+", torch "+want[k][1])
				}
			}
			mu.Lock()
			for _, f := range fails {
				t.Error(f)
			}
			mu.Unlock()
		}()
	}
	for k := range want {
		next <- k
	}
	close(next)
	wg.Wait()
}

func hex32(v uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return "0x" + hex.EncodeToString(b[:])
}

// digestInto is digestLE for large 16-bit slices, reusing buf.
func digestInto[T ~uint16](buf []byte, v []T) string {
	buf = buf[:2*len(v)]
	for i, x := range v {
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(x))
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:8])
}

func readExhaustive(tb testing.TB) [][2]string {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "exhaustive.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			tb.Fatalf("exhaustive.txt: bad line %q", line)
		}
		out = append(out, [2]string{fields[0], fields[1]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
