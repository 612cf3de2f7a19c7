package cpu

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Gemm computes C = alpha·A·B + beta·C for an m×k matrix A, a k×n matrix B and an m×n matrix C,
// each addressed through general element strides: element (i, j) of A is a[i*aRow + j*aCol],
// of B is b[i*bRow + j*bCol] and of C is c[i*cRow + j*cCol]. So a transposed operand is the
// same slice with its two strides swapped, and a strided or sliced view needs no copy: the
// caller applies the view's offset by slicing, and packing reads through the strides.
//
// beta == 0 overwrites C without reading it (NaN or Inf already in C does not propagate);
// alpha == 0 or k == 0 does not read A or B and leaves C = beta·C. Otherwise each element is a
// sum of k products accumulated in T, in kc-long runs (fused multiply-adds in the assembly
// kernels), so results can differ from a naive loop in the last bits, as with any BLAS; they
// do not depend on the number of threads.
//
// Large problems are split over the shared intra-op pool (internal/parallel); small ones run
// on the calling goroutine. C's elements must be distinct and must not overlap A or B. Gemm
// panics with a *tensor.Error of kind tensor.ErrArgument if a dimension is negative, if an
// element of A, B or C would lie outside its slice (as it does for a negative stride along an
// axis longer than one, the first element being at index 0), or if C has a zero stride along
// an axis longer than one.
func Gemm[T float32 | float64](m, n, k int, alpha T, a []T, aRow, aCol int, b []T, bRow, bCol int, beta T, c []T, cRow, cCol int) {
	gemmStrided(gemmDefaultKernel[T](), "Gemm", m, n, k, alpha, a, 0, aRow, aCol, b, 0, bRow, bCol, beta, c, 0, cRow, cCol)
}

// Sgemm is the row-major BLAS sgemm: C = alpha·op(A)·op(B) + beta·C with C m×n, op(A) m×k and
// op(B) k×n. A is stored m×k (k×m when transA) with leading dimension lda: element (r, s) of
// the stored matrix is a[r*lda + s], and lda must be at least its column count; likewise B
// (k×n, n×k when transB) with ldb and C with ldc ≥ n. It panics like Gemm, and also on a
// leading dimension smaller than the stored row length.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	blasGemm("Sgemm", transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm is Sgemm for float64.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	blasGemm("Dgemm", transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func blasGemm[T float32 | float64](op string, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	gemmCheckLD(op, "lda", lda, k, m, transA)
	gemmCheckLD(op, "ldb", ldb, n, k, transB)
	gemmCheckLD(op, "ldc", ldc, n, m, false)
	aRow, aCol := lda, 1
	if transA {
		aRow, aCol = 1, lda
	}
	bRow, bCol := ldb, 1
	if transB {
		bRow, bCol = 1, ldb
	}
	gemmStrided(gemmDefaultKernel[T](), op, m, n, k, alpha, a, 0, aRow, aCol, b, 0, bRow, bCol, beta, c, 0, ldc, 1)
}

// gemmCheckLD enforces BLAS's rule that a leading dimension covers a stored row (rows×cols
// logically; cols×rows in storage when trans).
func gemmCheckLD(op, name string, ld, cols, rows int, trans bool) {
	if trans {
		cols = rows
	}
	if ld < max(1, cols) {
		panic(&tensor.Error{Op: op, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("%s is %d, less than the stored row length %d", name, ld, cols)})
	}
}

// gemmKernel describes one micro-kernel and the cache blocking tuned for it.
//
// fn computes the mr×nr tile alpha·Ap·Bp + beta·C over k steps, where Ap is a packed A
// micro-panel (k groups of mr values, column by column) and Bp a packed B micro-panel (k
// groups of nr values, row by row). C's rows start ldc elements apart with unit column stride;
// beta == 0 must not read C.
type gemmKernel[T float32 | float64] struct {
	name       string
	mr, nr     int
	kc, mc, nc int
	fn         func(k int, a, b, c []T, ldc int, alpha, beta T)

	// packA and packB, when set, pack a full micro-panel (mr rows of A, nr columns of B) from
	// base with strides rs, cs faster than the generic loops, and report whether they did:
	// they handle only the layouts they are written for.
	packA, packB func(dst, src []T, base, rs, cs, kc int) bool
}

// gemmInlineFlops is the m·n·k below which a product runs on the calling goroutine. A parked
// pool worker took 60–110 µs to start on the 2-vCPU VM this was tuned on, so a product must
// take about that long on one core (~150³ multiply-adds at 90 GFLOP/s) before sharing it
// pays: measured single vs 2 threads, 128³ 53 vs 50–72 µs, 160³ 102 vs 91 µs, 256³ 378 vs
// 249 µs. On machines where workers wake faster, a lower value would pay off sooner.
var gemmInlineFlops = 150 * 150 * 150

// gemmDefaultKernel is the micro-kernel for T on this machine: AVX2+FMA assembly when the CPU has
// it (and TENSORGRAPH_NOASM is unset), otherwise the pure-Go one.
func gemmDefaultKernel[T float32 | float64]() *gemmKernel[T] {
	var z T
	switch any(z).(type) {
	case float32:
		if k := sgemmAsmKernel(); k != nil {
			return any(k).(*gemmKernel[T])
		}
		return any(sgemmGo).(*gemmKernel[T])
	default:
		if k := dgemmAsmKernel(); k != nil {
			return any(k).(*gemmKernel[T])
		}
		return any(dgemmGo).(*gemmKernel[T])
	}
}

// gemmCheckOperand panics unless every element of a rows×cols matrix at off with strides (rs, cs)
// lies inside a slice of length n.
func gemmCheckOperand(op, name string, rows, cols, n, off, rs, cs int) {
	if rows == 0 || cols == 0 {
		return
	}
	lo, hi := off, off
	for _, e := range [2][2]int{{rows - 1, rs}, {cols - 1, cs}} {
		if e[1] < 0 {
			lo += e[0] * e[1]
		} else {
			hi += e[0] * e[1]
		}
	}
	if lo < 0 || hi >= n {
		panic(&tensor.Error{Op: op, Kind: tensor.ErrArgument, Msg: fmt.Sprintf(
			"%s is %dx%d with strides (%d,%d) from element %d, which reaches elements %d..%d of a slice of length %d",
			name, rows, cols, rs, cs, off, lo, hi, n)})
	}
}

// gemmStrided is Gemm with explicit element offsets, so tensor views with negative strides
// (whose first element is not their lowest) can be passed over their whole storage.
func gemmStrided[T float32 | float64](kern *gemmKernel[T], op string, m, n, k int, alpha T,
	a []T, aOff, aRow, aCol int, b []T, bOff, bRow, bCol int, beta T, c []T, cOff, cRow, cCol int) {
	if m < 0 || n < 0 || k < 0 {
		panic(&tensor.Error{Op: op, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("negative dimension: m=%d n=%d k=%d", m, n, k)})
	}
	if m > 0 && n > 0 && ((m > 1 && cRow == 0) || (n > 1 && cCol == 0)) {
		panic(&tensor.Error{Op: op, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("C is %dx%d with strides (%d,%d): a zero stride would write one element many times", m, n, cRow, cCol)})
	}
	gemmCheckOperand(op, "C", m, n, len(c), cOff, cRow, cCol)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		gemmScale(c, cOff, cRow, cCol, m, n, beta)
		return
	}
	gemmCheckOperand(op, "A", m, k, len(a), aOff, aRow, aCol)
	gemmCheckOperand(op, "B", k, n, len(b), bOff, bRow, bCol)
	g := gemmGetCall[T]()
	g.kern, g.m, g.n, g.k, g.alpha, g.beta = kern, m, n, k, alpha, beta
	g.a, g.aOff, g.aRow, g.aCol = a, aOff, aRow, aCol
	g.b, g.bOff, g.bRow, g.bCol = b, bOff, bRow, bCol
	g.c, g.cOff, g.cRow, g.cCol = c, cOff, cRow, cCol
	g.run()
	g.kern, g.a, g.b, g.c = nil, nil, nil, nil // do not keep the caller's memory alive
	gemmPutCall(g)
}

// gemmScale sets C = beta·C, writing zeros (not 0·C) when beta is 0.
func gemmScale[T float32 | float64](c []T, off, rs, cs, m, n int, beta T) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := off + i*rs
		for j := range n {
			if beta == 0 {
				c[row+j*cs] = 0
			} else {
				c[row+j*cs] *= beta
			}
		}
	}
}

// gemmCall is one product in flight: the operands, the blocking chosen for it and the shared
// state of its work queue.
type gemmCall[T float32 | float64] struct {
	kern             *gemmKernel[T]
	m, n, k          int
	alpha, beta      T
	a                []T
	aOff, aRow, aCol int
	b                []T
	bOff, bRow, bCol int
	c                []T
	cOff, cRow, cCol int

	mc      int // rows of A per packed block (a multiple of mr)
	mBlocks int // row blocks
	chunk   int // B micro-panels per column chunk of a task

	// The work queue: slabs in order, each a run of B-packing items then compute tasks,
	// numbered consecutively from 0 and claimed through next. See run.
	slabs    []gemmSlab
	packed   []atomic.Int64 // per slab: packing items finished
	computed []atomic.Int64 // per slab: compute tasks finished
	region   []atomic.Int64 // per task of a column slab: 1 + the last slab finished on it
	items    int
	next     atomic.Int64
	bufs     [2]*[]T // packed B of even and odd slabs

	// work is g.worker bound once per pooled gemmCall, so handing it to parallel.For
	// allocates nothing.
	work func(lo, hi int)
}

// gemmSlab is one kc-deep slice of one nc-wide column slab of B: the unit that is packed once
// and shared by all tasks.
type gemmSlab struct {
	jc, nc, pc, kc int
	first          int // number of the slab's first item
	nPack          int // packing items (groups of gemmPackGrain micro-panels)
	nChunks        int // column chunks; the slab's tasks are mBlocks × nChunks
}

// Calls are pooled with their buffers and bound method value; see gemmCall.work.
var (
	gemmCallPool32 sync.Pool
	gemmCallPool64 sync.Pool
)

func gemmGetCall[T float32 | float64]() *gemmCall[T] {
	var z T
	pool := &gemmCallPool64
	if unsafe.Sizeof(z) == 4 {
		pool = &gemmCallPool32
	}
	if g, ok := pool.Get().(*gemmCall[T]); ok {
		return g
	}
	g := new(gemmCall[T])
	g.work = g.worker
	return g
}

func gemmPutCall[T float32 | float64](g *gemmCall[T]) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		gemmCallPool32.Put(g)
	} else {
		gemmCallPool64.Put(g)
	}
}

// gemmMinChunk is the narrowest column chunk, in micro-panels, that a task covers when the
// columns are split for parallelism.
const gemmMinChunk = 2

// gemmTasksPerThread is how many compute tasks per thread a slab is cut into when there are
// several threads: enough that the last task to finish does not leave the other cores idle
// for long, few enough that each A block is packed by few workers. (Measured on 2 cores from
// 2 to 32: within 3% of each other at n=256..1024, 16 marginally best.)
const gemmTasksPerThread = 16

// gemmPackGrain is how many B micro-panels make one packing item.
const gemmPackGrain = 4

// run is the Goto/BLIS loop nest: for each nc-column slab of B and kc-deep slice of it (a
// "slab" below), pack that kc×nc block of B once (shared by all workers, sized for L3), then
// pack mc×kc blocks of A (sized for L2) and sweep the micro-kernel over them, nr columns of B
// (held in L1) at a time.
//
// The loop nest is flattened into one numbered sequence of items: for each slab in order, its
// B-packing items, then its compute tasks (row block × column chunk). Workers claim items in
// order from a shared counter and wait only for what an item needs: a task for its slab's B
// to be packed and for the previous slab's task on the same C region to be done; packing for
// the B buffer it reuses (two alternate) to be free. An item waits only on items numbered
// before it, which running workers have claimed and will finish, so this cannot deadlock, even
// when parallel.For runs the workers one after another. It is all one parallel.For: waking a
// parked pool worker costs tens of microseconds on some machines, and a For per phase would
// pay it every time, while here a late worker simply joins in and claims less. A core that is
// busy with something else likewise takes fewer tasks instead of holding the others up.
func (g *gemmCall[T]) run() {
	kern := g.kern
	mr, nr := kern.mr, kern.nr
	threads := 1
	if g.m*g.n*g.k >= gemmInlineFlops {
		threads = parallel.Threads()
	}

	// Equal kc slices (k=300 runs as 150+150, not 256+44: a shallow slice pays the C tile's
	// load and store for few FMAs), equal nc slabs a multiple of nr wide, and row blocks of at
	// most kern.mc rows, equal in height (a multiple of mr).
	kcStep := ceilDiv(g.k, ceilDiv(g.k, kern.kc))
	ncStep := gemmRoundUp(ceilDiv(g.n, ceilDiv(g.n, kern.nc)), nr)
	g.mc = gemmRoundUp(ceilDiv(g.m, ceilDiv(g.m, kern.mc)), mr)
	g.mBlocks = ceilDiv(g.m, g.mc)
	// With several threads, split the columns as well until there are gemmTasksPerThread
	// tasks per thread, keeping chunks at least gemmMinChunk panels wide so that a task's A
	// block is reused across enough of B.
	g.chunk = ceilDiv(ncStep, nr)
	if threads > 1 {
		want := ceilDiv(gemmTasksPerThread*threads, g.mBlocks)
		g.chunk = max(min(g.chunk, gemmMinChunk), ceilDiv(g.chunk, want))
	}

	g.slabs = g.slabs[:0]
	g.items = 0
	maxTasks := 0
	for jc := 0; jc < g.n; jc += ncStep {
		nc := min(ncStep, g.n-jc)
		nChunks := ceilDiv(ceilDiv(nc, nr), g.chunk)
		maxTasks = max(maxTasks, g.mBlocks*nChunks)
		for pc := 0; pc < g.k; pc += kcStep {
			sl := gemmSlab{jc: jc, nc: nc, pc: pc, kc: min(kcStep, g.k-pc), first: g.items,
				nPack: ceilDiv(ceilDiv(nc, nr), gemmPackGrain), nChunks: nChunks}
			g.slabs = append(g.slabs, sl)
			g.items += sl.nPack + g.mBlocks*nChunks
		}
	}
	g.packed = gemmResetCounters(g.packed, len(g.slabs))
	g.computed = gemmResetCounters(g.computed, len(g.slabs))
	g.region = gemmResetCounters(g.region, maxTasks)
	g.next.Store(0)
	nBufs := min(len(g.slabs), 2)
	for i := range nBufs {
		g.bufs[i] = gemmGetBuf[T](gemmBufB, kcStep*ncStep)
	}

	if threads == 1 {
		g.worker(0, 1)
	} else {
		parallel.For(threads, 1, g.work)
	}

	for i := range nBufs {
		gemmPutBuf(gemmBufB, g.bufs[i])
		g.bufs[i] = nil
	}
}

// gemmResetCounters returns n zeroed counters, reusing cs's memory when it is large enough.
func gemmResetCounters(cs []atomic.Int64, n int) []atomic.Int64 {
	if cap(cs) < n {
		return make([]atomic.Int64, n)
	}
	cs = cs[:n]
	for i := range cs {
		cs[i].Store(0)
	}
	return cs
}

// gemmWaitFor spins until *c reaches want. Only items claimed earlier by running workers are
// waited for, so the wait is short unless the OS has descheduled their worker; yielding after
// a while lets the Go scheduler run that worker if it shares this thread's P.
func gemmWaitFor(c *atomic.Int64, want int64) {
	for i := 0; c.Load() < want; i++ {
		if i >= 64 {
			runtime.Gosched()
		}
	}
}

// worker is the body of one pool worker (lo, hi: worker ids, unused): it claims items in
// order until none are left, with one A buffer from the pool.
func (g *gemmCall[T]) worker(lo, hi int) {
	kern := g.kern
	nr := kern.nr
	ws := gemmGetBuf[T](gemmBufA, g.mc*g.slabs[0].kc+kern.mr*nr)
	packedSlab, packedBlock := -1, -1 // the A block in ws
	s := 0
	for {
		item := int(g.next.Add(1)) - 1
		if item >= g.items {
			break
		}
		for item >= g.slabs[s].first+g.slabs[s].nPack+g.mBlocks*g.slabs[s].nChunks {
			s++
		}
		sl := &g.slabs[s]
		bp := *g.bufs[s%2]
		local := item - sl.first
		if local < sl.nPack {
			// Pack B panels; their buffer last held slab s-2, whose tasks must be done.
			if s >= 2 {
				gemmWaitFor(&g.computed[s-2], int64(g.mBlocks*g.slabs[s-2].nChunks))
			}
			nPanels := ceilDiv(sl.nc, nr)
			base := g.bOff + sl.pc*g.bRow + sl.jc*g.bCol
			for jp := local * gemmPackGrain; jp < min((local+1)*gemmPackGrain, nPanels); jp++ {
				gemmPackPanelB(kern, bp[jp*sl.kc*nr:(jp+1)*sl.kc*nr], g.b, base+jp*nr*g.bCol, g.bRow, g.bCol, sl.kc, min(nr, sl.nc-jp*nr))
			}
			g.packed[s].Add(1)
			continue
		}
		t := local - sl.nPack
		gemmWaitFor(&g.packed[s], int64(sl.nPack))
		// Task t of each slab runs after task t of the slab before, which for the next kc
		// slice of a column slab is the same C region. (Across column slabs the order is not
		// needed, but keeping it for every slab keeps region[t] counting up one slab at a
		// time; only the last column slab can have fewer tasks than the one before.)
		if s > 0 && t < g.mBlocks*g.slabs[s-1].nChunks {
			gemmWaitFor(&g.region[t], int64(s))
		}
		ib := t / sl.nChunks
		if packedSlab != s || packedBlock != ib {
			g.packA(*ws, sl, ib)
			packedSlab, packedBlock = s, ib
		}
		g.block(*ws, bp, sl, t)
		g.region[t].Store(int64(s + 1))
		g.computed[s].Add(1)
	}
	gemmPutBuf(gemmBufA, ws)
}

// packA packs row block ib of A for slab sl into the front of ws.
func (g *gemmCall[T]) packA(ws []T, sl *gemmSlab, ib int) {
	kern := g.kern
	mr, kc := kern.mr, sl.kc
	ic := ib * g.mc
	mc := min(g.mc, g.m-ic)
	aBase := g.aOff + ic*g.aRow + sl.pc*g.aCol
	for ip := range ceilDiv(mc, mr) {
		gemmPackPanelA(kern, ws[ip*mr*kc:(ip+1)*mr*kc], g.a, aBase+ip*mr*g.aRow, g.aRow, g.aCol, kc, min(mr, mc-ip*mr))
	}
}

// block runs task t of slab sl (row block t/nChunks against column chunk t%nChunks) with the
// row block of A already packed in ws and the slab's B in bp.
func (g *gemmCall[T]) block(ws, bp []T, sl *gemmSlab, t int) {
	kern := g.kern
	mr, nr := kern.mr, kern.nr
	kc := sl.kc
	beta := g.beta
	if sl.pc > 0 {
		beta = 1
	}
	ib, chunk := t/sl.nChunks, t%sl.nChunks
	ic := ib * g.mc
	mc := min(g.mc, g.m-ic)
	nPanels := ceilDiv(sl.nc, nr)
	jLo := chunk * g.chunk
	jHi := min(jLo+g.chunk, nPanels)
	mPanels := ceilDiv(mc, mr)
	ap := ws[:mPanels*mr*kc]
	tile := ws[len(ws)-mr*nr:]
	// Writing straight into C needs whole tiles with unit column stride and rows that go
	// forward without overlapping; everything else goes through the tile buffer.
	direct := g.cCol == 1 && g.cRow >= nr
	for jp := jLo; jp < jHi; jp++ {
		bPanel := bp[jp*kc*nr : (jp+1)*kc*nr]
		cols := min(nr, sl.nc-jp*nr)
		for ip := range mPanels {
			aPanel := ap[ip*mr*kc : (ip+1)*mr*kc]
			rows := min(mr, mc-ip*mr)
			ci := g.cOff + (ic+ip*mr)*g.cRow + (sl.jc+jp*nr)*g.cCol
			if direct && rows == mr && cols == nr {
				kern.fn(kc, aPanel, bPanel, g.c[ci:], g.cRow, g.alpha, beta)
				continue
			}
			kern.fn(kc, aPanel, bPanel, tile, nr, 1, 0)
			gemmMergeTile(g.c, ci, g.cRow, g.cCol, tile, nr, rows, cols, g.alpha, beta)
		}
	}
}

// gemmMergeTile writes C = alpha·tile + beta·C for the valid rows×cols corner of an edge tile.
func gemmMergeTile[T float32 | float64](c []T, ci, rs, cs int, tile []T, ld, rows, cols int, alpha, beta T) {
	for i := range rows {
		t := tile[i*ld : i*ld+cols]
		row := ci + i*rs
		if beta == 0 {
			for j, v := range t {
				c[row+j*cs] = alpha * v
			}
			continue
		}
		for j, v := range t {
			c[row+j*cs] = alpha*v + beta*c[row+j*cs]
		}
	}
}

// gemmPackPanelA copies rows×kc of A (from base, strides rs, cs) into an mr-row micro-panel:
// the mr values of column p lie together at dst[p*mr:]. Rows past the edge only feed tile rows
// that are discarded, but are zeroed so stale pool memory (NaN, subnormals) never reaches the
// kernel's arithmetic.
func gemmPackPanelA[T float32 | float64](kern *gemmKernel[T], dst, a []T, base, rs, cs, kc, rows int) {
	mr := kern.mr
	dst = dst[:kc*mr]
	if rows == mr && kern.packA != nil && kern.packA(dst, a, base, rs, cs, kc) {
		return
	}
	if rows == 2 && mr == 2 && cs == 1 && rs > 0 {
		// Row-major A for the Go kernel: two rows read forward, interleaved.
		r0 := a[base : base+kc]
		r1 := a[base+rs : base+rs+kc]
		r1 = r1[:len(r0)]
		for p := range r0 {
			d := dst[p*2 : p*2+2 : p*2+2]
			d[0], d[1] = r0[p], r1[p]
		}
		return
	}
	for p := range kc {
		d := dst[p*mr : p*mr+mr]
		src := base + p*cs
		for i := range rows {
			d[i] = a[src+i*rs]
		}
		clear(d[rows:])
	}
}

// gemmPackPanelB copies kc×cols of B (from base, strides rs, cs) into an nr-column micro-panel:
// the nr values of row p lie together at dst[p*nr:]; columns past the edge are zeroed.
func gemmPackPanelB[T float32 | float64](kern *gemmKernel[T], dst, b []T, base, rs, cs, kc, cols int) {
	nr := kern.nr
	dst = dst[:kc*nr]
	if cols == nr && kern.packB != nil && kern.packB(dst, b, base, rs, cs, kc) {
		return
	}
	switch {
	case cols == 3 && nr == 3 && cs == 1:
		// Row-major B for the Go kernel: one fixed-size copy per row.
		for p := range kc {
			*(*[3]T)(dst[p*3:]) = *(*[3]T)(b[base+p*rs:])
		}
	case rs == 1:
		// Transposed B: read each column forward, scatter into the panel.
		for j := range cols {
			col := b[base+j*cs : base+j*cs+kc]
			for p, v := range col {
				dst[p*nr+j] = v
			}
		}
		if cols < nr {
			for p := range kc {
				clear(dst[p*nr+cols : p*nr+nr])
			}
		}
	default:
		for p := range kc {
			d := dst[p*nr : p*nr+nr]
			src := base + p*rs
			for j := range cols {
				d[j] = b[src+j*cs]
			}
			clear(d[cols:])
		}
	}
}

// Packing buffers come from pools, one per element type and use (A workspaces are small,
// B slabs large, and a shared pool would keep handing the wrong size back), so steady-state
// calls allocate nothing. Each buffer is 64-byte aligned so packed panels start on cache lines.
var gemmBufPools [2][2]sync.Pool // [float32, float64][gemmBufA, gemmBufB]

const (
	gemmBufA = iota // a worker's packed A block and edge tile
	gemmBufB        // a packed B slab
)

func gemmGetBuf[T float32 | float64](use, n int) *[]T {
	var z T
	size := int(unsafe.Sizeof(z))
	pool := &gemmBufPools[size/8][use]
	if p, ok := pool.Get().(*[]T); ok {
		if cap(*p) >= n {
			*p = (*p)[:n]
			return p
		}
	}
	elems := 64 / size
	raw := make([]T, n+elems)
	skip := 0
	if mis := int(uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64) / size; mis != 0 {
		skip = elems - mis
	}
	buf := raw[skip : skip+n : skip+n]
	return &buf
}

func gemmPutBuf[T float32 | float64](use int, p *[]T) {
	var z T
	gemmBufPools[unsafe.Sizeof(z)/8][use].Put(p)
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0 (conv.go uses it too).
func ceilDiv(a, b int) int { return (a + b - 1) / b }

func gemmRoundUp(a, b int) int { return ceilDiv(a, b) * b }
