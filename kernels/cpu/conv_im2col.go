package cpu

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
)

// The convolutions are matrix products over im2col matrices. Row r of the im2col matrix of x
// is the receptive field of output pixel r = (n·OH + i)·OW + j, laid out as the filter is:
// K = KH·KW·C values, tap (a, b) at (a·KW + b)·C, zeros where the tap falls in the padding.
// With the HWIO filter read as a K×O row-major matrix W and the NHWC output as an M×O one
// (M = N·OH·OW), the three ops are
//
//	forward:         Y  = col · W          (M×K · K×O)
//	filter gradient: dW = colᵀ · dY        (K×M · M×O, colᵀ read through swapped strides)
//	input gradient:  dcol = dY · Wᵀ        (M×O · O×K), then col2im adds dcol's rows back
//	                                       onto the pixels they were gathered from
//
// This orientation keeps M, the large dimension, as the GEMM's m (or k for the filter
// gradient), and makes the output and dY plain row-major operands with no transposes.
//
// The work is cut into chunks of im2col rows sized for a core's L2 cache, and the chunks are
// shared out dynamically over the pool (a core slowed by other work takes fewer): each worker
// builds the im2col rows of a chunk in its own pooled buffer and multiplies them at once while
// they are in cache. On the reference CNN's second layer (2 Zen 3 cores) this is as fast as
// building the whole im2col matrix and making one GEMM call (about 2.1 ms either way; chunk
// sizes from 16 Ki to 256 Ki elements are within noise), but it needs 256 KiB of buffer per
// worker instead of 9 MiB per call, and the im2col work is parallel with no separate pass.
//
// The first layer (one input channel, K = 9) was measured both ways as well: im2col + GEMM
// takes 0.65 ms, a direct pure-Go loop (gather the 9 taps, one dot product per output
// channel) 9.8 ms, because the GEMM's AVX2 kernel does 8 channels per instruction and Go code
// does one (BenchmarkConvTuneLayer1).

// convChunkElems is the target size of one chunk's im2col buffer, in elements: 64 Ki float32
// is 256 KiB, half of a Zen 3 L2.
var convChunkElems = 64 << 10

// convMinChunks is how many chunks a problem is cut into at least (when it has the rows), so
// that the work spreads over the pool, and convMinRows the smallest chunk worth a GEMM call.
const (
	convMinChunks = 16
	convMinRows   = 96
)

// chunkRows is the number of im2col rows per chunk for rows of k values and m rows in all. It
// depends on the problem only, never on the thread count, so results do not either.
func chunkRows(k, m int) int {
	rows := max(convChunkElems/max(k, 1), 1)
	rows = min(rows, max(ceilDiv(m, convMinChunks), convMinRows))
	return max(min(rows, m), 1)
}

// convFilterGroups is the number of partial sums the filter gradient is split into: chunks
// are grouped in a fixed way, each group summed into its own buffer by whichever worker takes
// it, and the groups added in order, so the result is the same for any number of threads.
const convFilterGroups = 8

// convForward computes y = Conv2D(x, w) for row-major x [N,H,W,C], w [KH,KW,C,O] and
// y [N,OH,OW,O].
func convForward[T float32 | float64](g *convGeom, x, w, y []T) {
	m, k, o := g.rows(), g.k(), g.o
	if m == 0 || o == 0 {
		return
	}
	if g.pointwise() {
		Gemm(m, o, k, 1, x, k, 1, w, o, 1, 0, y, o, 1)
		return
	}
	rows := chunkRows(k, m)
	nChunks := ceilDiv(m, rows)
	var next atomic.Int64
	parallel.For(min(parallel.Threads(), nChunks), 1, func(_, _ int) {
		buf := getConvBuf[T](rows * k)
		col := *buf
		for {
			c := int(next.Add(1)) - 1
			if c >= nChunks {
				break
			}
			r0 := c * rows
			r1 := min(r0+rows, m)
			im2col(g, x, r0, r1, col)
			Gemm(r1-r0, o, k, 1, col, k, 1, w, o, 1, 0, y[r0*o:], o, 1)
		}
		putConvBuf(buf)
	})
}

// convBackpropFilter computes dw = Conv2DBackpropFilter(x, dy) into the zeroed dw.
func convBackpropFilter[T float32 | float64](g *convGeom, x, dy, dw []T) {
	m, k, o := g.rows(), g.k(), g.o
	if m == 0 || k == 0 || o == 0 {
		return
	}
	if g.pointwise() {
		Gemm(k, o, m, 1, x, 1, k, dy, o, 1, 0, dw, o, 1)
		return
	}
	rows := chunkRows(k, m)
	nChunks := ceilDiv(m, rows)
	groups := min(convFilterGroups, nChunks)
	parts := make([]*[]T, groups)
	var next atomic.Int64
	parallel.For(min(parallel.Threads(), groups), 1, func(_, _ int) {
		buf := getConvBuf[T](rows * k)
		col := *buf
		for {
			gi := int(next.Add(1)) - 1
			if gi >= groups {
				break
			}
			acc := dw
			if gi > 0 {
				parts[gi] = getConvBuf[T](k * o)
				acc = *parts[gi]
			}
			var beta T
			for c := gi * nChunks / groups; c < (gi+1)*nChunks/groups; c++ {
				r0 := c * rows
				r1 := min(r0+rows, m)
				im2col(g, x, r0, r1, col)
				Gemm(k, o, r1-r0, 1, col, 1, k, dy[r0*o:], o, 1, beta, acc, o, 1)
				beta = 1
			}
		}
		putConvBuf(buf)
	})
	for _, p := range parts[1:] {
		addTo(dw, *p)
		putConvBuf(p)
	}
}

// convBackpropInput computes dx = Conv2DBackpropInput(dy, w) into the zeroed dx [N,H,W,C].
// Chunks are whole images, so the col2im scatters of different workers never meet.
func convBackpropInput[T float32 | float64](g *convGeom, dy, w, dx []T) {
	m, k, o := g.rows(), g.k(), g.o
	if m == 0 || k == 0 {
		return
	}
	if g.pointwise() {
		Gemm(m, k, o, 1, dy, o, 1, w, 1, o, 0, dx, k, 1)
		return
	}
	hw := g.oh * g.ow
	imgs := max(1, min(ceilDiv(convBackInputRows, max(hw, 1)), ceilDiv(g.n, convMinChunks)))
	nChunks := ceilDiv(g.n, imgs)
	// Wᵀ is packed by every chunk's GEMM; a row-major copy of it packs with plain row copies
	// instead of a transpose.
	wtBuf := getConvBuf[T](o * k)
	wt := *wtBuf
	for i := range k {
		for j, v := range w[i*o : (i+1)*o] {
			wt[j*k+i] = v
		}
	}
	var next atomic.Int64
	parallel.For(min(parallel.Threads(), nChunks), 1, func(_, _ int) {
		buf := getConvBuf[T](imgs * hw * k)
		col := *buf
		for {
			c := int(next.Add(1)) - 1
			if c >= nChunks {
				break
			}
			n0 := c * imgs
			n1 := min(n0+imgs, g.n)
			Gemm((n1-n0)*hw, k, o, 1, dy[n0*hw*o:], o, 1, wt, k, 1, 0, col, k, 1)
			col2im(g, col, n0, n1, dx)
		}
		putConvBuf(buf)
	})
	putConvBuf(wtBuf)
}

// convBackInputRows is about how many im2col rows a chunk of the input gradient covers (it
// takes whole images): enough that packing Wᵀ, which every chunk's GEMM does, is a small part
// of the chunk's work.
var convBackInputRows = 256

// tapOffsets returns, for each filter tap (a, b) in row-major order, the offset of its input
// pixel from the window's top-left one in an NHWC image, in elements. buf avoids an allocation
// for filters of up to 64 taps.
func tapOffsets(g *convGeom, buf *[64]int) []int {
	offs := buf[:0]
	for a := range g.kh {
		for b := range g.kw {
			offs = append(offs, (a*g.dh*g.w+b*g.dw)*g.c)
		}
	}
	return offs
}

// inside reports whether every tap of the window whose top-left tap is at (ih0, iw0) lies in
// the image.
func (g *convGeom) inside(ih0, iw0 int) bool {
	return ih0 >= 0 && iw0 >= 0 && ih0+(g.kh-1)*g.dh < g.h && iw0+(g.kw-1)*g.dw < g.w
}

// im2col writes rows r0..r1-1 of x's im2col matrix into col (row r at (r-r0)·K).
func im2col[T float32 | float64](g *convGeom, x []T, r0, r1 int, col []T) {
	k, c := g.k(), g.c
	kwc := g.kw * c
	img := g.h * g.w * c
	var offBuf [64]int
	offs := tapOffsets(g, &offBuf)
	for r := r0; r < r1; {
		n, rem := r/(g.oh*g.ow), r%(g.oh*g.ow)
		i, j0 := rem/g.ow, rem%g.ow
		j1 := min(g.ow, j0+r1-r)
		xi := x[n*img : (n+1)*img]
		ih0 := i*g.sh - g.pt
		for j := j0; j < j1; j++ {
			dst := col[(r-r0+j-j0)*k : (r-r0+j-j0+1)*k]
			iw0 := j*g.sw - g.pl
			// Windows wholly inside the image (nearly all of them) need no bounds logic; with a
			// single channel, a row of taps is too short for copy to pay, so gather elements.
			if c == 1 && g.inside(ih0, iw0) {
				src := xi[ih0*g.w+iw0:]
				dst = dst[:len(offs)]
				for t, off := range offs {
					dst[t] = src[off]
				}
				continue
			}
			// With dilation 1 and no column in the padding, a filter row is one contiguous run.
			run := g.dw == 1 && iw0 >= 0 && iw0+g.kw <= g.w
			for a := range g.kh {
				seg := dst[a*kwc : (a+1)*kwc]
				ih := ih0 + a*g.dh
				if ih < 0 || ih >= g.h {
					clear(seg)
					continue
				}
				row := xi[ih*g.w*c : (ih+1)*g.w*c]
				if run {
					copyShort(seg, row[iw0*c:])
					continue
				}
				for b := range g.kw {
					iw := iw0 + b*g.dw
					s := seg[b*c : (b+1)*c]
					if iw < 0 || iw >= g.w {
						clear(s)
					} else {
						copyShort(s, row[iw*c:])
					}
				}
			}
		}
		r += j1 - j0
	}
}

// col2im adds the im2col rows of images n0..n1-1, held in col from its start, back onto the
// input pixels they were gathered from (taps in the padding are dropped).
func col2im[T float32 | float64](g *convGeom, col []T, n0, n1 int, dx []T) {
	k, c := g.k(), g.c
	kwc := g.kw * c
	img := g.h * g.w * c
	r := 0
	for n := n0; n < n1; n++ {
		xi := dx[n*img : (n+1)*img]
		for i := range g.oh {
			ih0 := i*g.sh - g.pt
			for j := range g.ow {
				src := col[r*k : (r+1)*k]
				r++
				iw0 := j*g.sw - g.pl
				run := g.dw == 1 && iw0 >= 0 && iw0+g.kw <= g.w
				for a := range g.kh {
					ih := ih0 + a*g.dh
					if ih < 0 || ih >= g.h {
						continue
					}
					seg := src[a*kwc : (a+1)*kwc]
					row := xi[ih*g.w*c : (ih+1)*g.w*c]
					if run {
						addTo(row[iw0*c:iw0*c+kwc], seg)
						continue
					}
					for b := range g.kw {
						iw := iw0 + b*g.dw
						if iw >= 0 && iw < g.w {
							addTo(row[iw*c:(iw+1)*c], seg[b*c:(b+1)*c])
						}
					}
				}
			}
		}
	}
}

// copyShort is copy for the short runs of im2col (a single channel is one element), where a
// call to memmove costs more than the copy.
func copyShort[T float32 | float64](dst, src []T) {
	if len(dst) > 16 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}

// addToGo adds src to dst elementwise: the portable addTo, and the one for short runs.
func addToGo[T float32 | float64](dst, src []T) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// im2col and partial-sum buffers come from per-type pools so that a training loop's
// steady-state convolutions allocate nothing; buffers keep the largest size asked of them.
var (
	convPool32 sync.Pool
	convPool64 sync.Pool
)

func getConvBuf[T float32 | float64](n int) *[]T {
	var z T
	pool := &convPool64
	if unsafe.Sizeof(z) == 4 {
		pool = &convPool32
	}
	if p, ok := pool.Get().(*[]T); ok {
		if cap(*p) >= n {
			*p = (*p)[:n]
			return p
		}
	}
	b := make([]T, n)
	return &b
}

func putConvBuf[T float32 | float64](p *[]T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		convPool32.Put(p)
	} else {
		convPool64.Put(p)
	}
}
