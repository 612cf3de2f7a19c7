package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// FormatError reports input that is not a valid .npy file or .npz archive. It matches
// tensor.ErrData under errors.Is, and also the underlying cause where there is one
// (io.ErrUnexpectedEOF for truncated input, zip.ErrFormat, ...).
type FormatError struct {
	File   string // the file, or "archive.npz: name.npy" for an archive entry; "" for a stream
	Offset int64  // where in the .npy data the problem is, or -1 when no single byte is to blame
	Msg    string
	Err    error // the underlying cause, or nil
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("npy: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, "at byte %d: ", e.Offset)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap lets errors.Is match tensor.ErrData and the cause.
func (e *FormatError) Unwrap() []error {
	if e.Err != nil {
		return []error{tensor.ErrData, e.Err}
	}
	return []error{tensor.ErrData}
}

// directReadLimit is how much data is allocated up front from a stream of unknown length. Past
// it, data is read in chunks of that size, so a header that lies about the shape costs memory only
// in proportion to the bytes actually present. A variable so tests can lower it.
var directReadLimit int64 = 8 << 20

// source is the input of one array: a reader plus what is known about its length.
type source struct {
	r    io.Reader
	name string
	pos  int64 // bytes consumed
	// remain is how many bytes may follow pos, or -1 if unknown. trusted says they are real
	// (a file or a buffer), so allocating that many up front is safe; an archive entry's claimed
	// size is only an upper bound.
	remain  int64
	trusted bool
	whole   string // what the input is called in messages: "input", "file" or "entry"
}

func (s *source) errorf(off int64, cause error, format string, args ...any) error {
	return &FormatError{File: s.name, Offset: off, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// read fills p, turning a short read into a truncation error that says what was being read.
func (s *source) read(p []byte, what string) error {
	n, err := io.ReadFull(s.r, p)
	s.advance(n)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return s.errorf(s.pos, io.ErrUnexpectedEOF, "truncated: the %s ends %d bytes into the %d-byte %s", s.whole, n, len(p), what)
	case isDataError(err):
		return s.errorf(s.pos, err, "reading the %s: %v", what, err)
	}
	return fmt.Errorf("npy: %s%w", s.prefix(), err)
}

func (s *source) prefix() string {
	if s.name == "" {
		return ""
	}
	return s.name + ": "
}

// Read reads one array from r, consuming exactly its bytes, so that arrays written one after
// another to a stream (as repeated np.save calls to one open file do) are read by repeated
// calls. At the end of the stream, before any byte of a new array, it returns io.EOF itself.
//
// When r reports its length (bytes.Reader, strings.Reader, bytes.Buffer, a regular *os.File or
// any io.Seeker) the header's sizes are checked against it before anything is allocated.
func Read(r io.Reader) (*tensor.Tensor, error) {
	s := &source{r: r, remain: -1, whole: "input"}
	if err := s.measure(); err != nil {
		return nil, err
	}
	return s.readArray()
}

// measure finds how many bytes r still holds, without consuming any.
func (s *source) measure() error {
	switch r := s.r.(type) {
	case *bytes.Reader:
		s.remain, s.trusted = int64(r.Len()), true
		return nil
	case *strings.Reader:
		s.remain, s.trusted = int64(r.Len()), true
		return nil
	case *bytes.Buffer:
		s.remain, s.trusted = int64(r.Len()), true
		return nil
	case *os.File:
		// Pipes and character devices cannot seek, and some special files report sizes that
		// are not their length; only regular files are measured.
		if fi, err := r.Stat(); err != nil || !fi.Mode().IsRegular() {
			return nil
		}
	}
	sk, ok := s.r.(io.Seeker)
	if !ok {
		return nil
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if err != nil {
		return nil
	}
	if _, err := sk.Seek(cur, io.SeekStart); err != nil {
		return fmt.Errorf("npy: restoring the read position: %w", err)
	}
	if end >= cur {
		s.remain, s.trusted = end-cur, true
	}
	return nil
}

// ReadFile reads the .npy file at path. Bytes after the array are an error here (unlike Read on
// a stream): in a file they mean the header's shape does not describe the data.
func ReadFile(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	s := &source{r: f, name: path, remain: -1, whole: "file"}
	if err := s.measure(); err != nil {
		return nil, err
	}
	if s.remain == 0 {
		return nil, s.errorf(0, io.ErrUnexpectedEOF, "file is empty")
	}
	t, err := s.readArray()
	if err != nil {
		return nil, err
	}
	if err := s.expectEnd(); err != nil {
		return nil, err
	}
	return t, nil
}

// expectEnd checks that nothing follows the array. Reading to the end also makes an archive
// entry's reader verify its checksum.
func (s *source) expectEnd() error {
	if s.remain > 0 && s.trusted {
		return s.errorf(s.pos, nil, "%d unexpected bytes after the array data", s.remain)
	}
	var b [1]byte
	n, err := io.ReadFull(s.r, b[:])
	switch {
	case n > 0:
		return s.errorf(s.pos, nil, "unexpected bytes after the array data")
	case errors.Is(err, io.EOF):
		return nil
	case isDataError(err):
		return s.errorf(s.pos, err, "after the array data: %v", err)
	}
	return fmt.Errorf("npy: %s%w", s.prefix(), err)
}

// readArray reads magic, header and data.
func (s *source) readArray() (*tensor.Tensor, error) {
	var pre [8]byte
	n, err := io.ReadFull(s.r, pre[:])
	s.advance(n)
	if n == 0 && errors.Is(err, io.EOF) && s.name == "" {
		return nil, io.EOF
	}
	// Judge the magic on whatever arrived, so that a short non-.npy input says "bad magic".
	if got := pre[:min(n, len(magic))]; string(got) != magic[:len(got)] {
		if strings.HasPrefix(string(got), "PK") {
			return nil, s.errorf(0, nil, "bad magic %q: this is a zip archive (.npz?); use ReadNPZ", got)
		}
		return nil, s.errorf(0, nil, "bad magic %q: not a .npy file (want %q)", got, magic)
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, s.errorf(int64(n), io.ErrUnexpectedEOF, "truncated: the %s ends %d bytes into the 8-byte magic and version", s.whole, n)
		}
		if isDataError(err) {
			return nil, s.errorf(int64(n), err, "reading the magic: %v", err)
		}
		return nil, fmt.Errorf("npy: %s%w", s.prefix(), err)
	}
	major, minor := pre[6], pre[7]
	if major < 1 || major > 3 || minor != 0 {
		return nil, s.errorf(6, nil, "unsupported format version %d.%d (want 1.0, 2.0 or 3.0)", major, minor)
	}

	var hlen int64
	lenAt := s.pos
	if major == 1 {
		var b [2]byte
		if err := s.read(b[:], "header length field"); err != nil {
			return nil, err
		}
		hlen = int64(binary.LittleEndian.Uint16(b[:]))
	} else {
		var b [4]byte
		if err := s.read(b[:], "header length field"); err != nil {
			return nil, err
		}
		hlen = int64(binary.LittleEndian.Uint32(b[:]))
	}
	if hlen > maxHeaderLen {
		return nil, s.errorf(lenAt, nil, "header length %d is over the %d-byte limit", hlen, maxHeaderLen)
	}
	if s.remain >= 0 && hlen > s.remain {
		return nil, s.errorf(lenAt, io.ErrUnexpectedEOF, "header length %d runs past the end of the %s (%d bytes follow)", hlen, s.whole, s.remain)
	}
	hdrAt := s.pos
	text := make([]byte, hlen)
	if err := s.read(text, "header"); err != nil {
		return nil, err
	}
	if major == 3 && !utf8.Valid(text) {
		return nil, s.errorf(hdrAt, nil, "version 3.0 header is not valid UTF-8")
	}
	h, err := parseHeader(text)
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) {
			return nil, s.errorf(hdrAt+int64(pe.pos), nil, "header: %s", pe.msg)
		}
		return nil, s.errorf(hdrAt, nil, "header: %v", err)
	}
	size, err := h.dataSize()
	if err != nil {
		return nil, s.errorf(hdrAt, nil, "header: %v", err)
	}
	return s.readData(h, size, hdrAt)
}

// readData reads the array's bytes into a new tensor, checking what the header claims against
// what the input holds before allocating.
func (s *source) readData(h header, size, hdrAt int64) (*tensor.Tensor, error) {
	dataAt := s.pos
	need := func(have int64) error {
		return s.errorf(hdrAt, io.ErrUnexpectedEOF, "header: shape %s of %v needs %d bytes of data, the %s has %d (from byte %d)",
			pyTuple(h.shape), h.dtype, size, s.whole, have, dataAt)
	}
	if s.remain >= 0 && size > s.remain {
		return nil, need(s.remain)
	}
	order := tensor.RowMajor
	if h.fortran {
		order = tensor.ColMajor
	}
	var t *tensor.Tensor
	if s.trusted || size <= directReadLimit {
		t = tensor.NewOrder(h.dtype, order, h.shape...)
		if size > 0 {
			n, err := io.ReadFull(s.r, t.Bytes())
			s.advance(n)
			if err != nil {
				return nil, s.dataErr(err, int64(n), need)
			}
		}
	} else {
		var chunks [][]byte
		for got := int64(0); got < size; {
			c := make([]byte, min(directReadLimit, size-got))
			n, err := io.ReadFull(s.r, c)
			got += int64(n)
			s.advance(n)
			if err != nil {
				return nil, s.dataErr(err, got, need)
			}
			chunks = append(chunks, c)
		}
		t = tensor.NewOrder(h.dtype, order, h.shape...)
		b := t.Bytes()
		for _, c := range chunks {
			b = b[copy(b, c):]
		}
	}
	if size > 0 {
		fixBytes(t.Bytes(), h.dtype, h.swap)
	}
	return t, nil
}

func (s *source) advance(n int) {
	s.pos += int64(n)
	if s.remain >= 0 {
		s.remain -= int64(n)
	}
}

func (s *source) dataErr(err error, got int64, need func(int64) error) error {
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return need(got)
	case isDataError(err):
		return s.errorf(s.pos, err, "reading the array data: %v", err)
	}
	return fmt.Errorf("npy: %s%w", s.prefix(), err)
}

// fixBytes brings freshly read data into the tensor's representation: little-endian, and bools
// that are exactly 0 or 1 (Go must never see another byte value in a bool).
func fixBytes(b []byte, dt tensor.DType, swap bool) {
	if swap {
		switch dt.Size() {
		case 2:
			for i := 0; i+1 < len(b); i += 2 {
				b[i], b[i+1] = b[i+1], b[i]
			}
		case 4:
			for i := 0; i+3 < len(b); i += 4 {
				binary.LittleEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:]))
			}
		case 8:
			for i := 0; i+7 < len(b); i += 8 {
				binary.LittleEndian.PutUint64(b[i:], binary.BigEndian.Uint64(b[i:]))
			}
		}
	}
	if dt == tensor.Bool {
		for i, v := range b {
			if v > 1 {
				b[i] = 1
			}
		}
	}
}

// encode returns the header and the data bytes to write for t. Row-major tensors are written
// as they are, column-major ones with fortran_order True (as NumPy writes an F-contiguous
// array), and any other view as a row-major copy.
func encode(t *tensor.Tensor) (hdr, data []byte, err error) {
	if t == nil {
		return nil, nil, fmt.Errorf("npy: cannot write a nil tensor: %w", tensor.ErrArgument)
	}
	h := header{dtype: t.DType(), shape: t.Shape()}
	if _, ok := descrOf(h.dtype); !ok {
		return nil, nil, fmt.Errorf("npy: cannot write dtype %v: %w", h.dtype, tensor.ErrDType)
	}
	if _, err := h.dataSize(); err != nil {
		return nil, nil, fmt.Errorf("npy: %v: %w", err, tensor.ErrShape)
	}
	switch {
	case t.NumElements() == 0:
	case t.IsContiguous():
		data = t.Bytes()
	case t.IsColMajor():
		h.fortran = true
		data = t.Bytes()
	default:
		data = t.Contiguous().Bytes()
	}
	hdr, err = formatHeader(h)
	return hdr, data, err
}

// Write writes t to w in .npy format, version 1.0 unless the header needs 2.0. The output is
// byte for byte what NumPy's np.save writes for the same array. Element bytes are written
// little-endian.
func Write(w io.Writer, t *tensor.Tensor) error {
	hdr, data, err := encode(t)
	if err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// WriteFile writes t to path in .npy format. It writes a temporary file beside path, flushes it
// to disk and renames it over path, so that path holds either its old contents or the whole new
// array, never a partial one, even across a crash.
func WriteFile(path string, t *tensor.Tensor) error {
	hdr, data, err := encode(t)
	if err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	})
}
