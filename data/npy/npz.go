package npy

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// maxDeflateRatio bounds how much a deflate stream can expand: a 258-byte match costs at least
// two bits, about 1:1032. An entry's claimed size is checked against it so that a tiny archive
// cannot make us trust a header asking for terabytes.
const maxDeflateRatio = 1032

// isDataError reports whether an error from a reader means the input is malformed, as opposed
// to the reading itself failing. An end of input counts: archive/zip meets one when the
// archive's directory points past its end.
func isDataError(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) ||
		errors.Is(err, zip.ErrAlgorithm) || errors.As(err, &ce) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errOutside)
}

var errOutside = errors.New("archive points outside itself")

// boundedReaderAt confines reads to the archive's size, so that offsets archive/zip computes
// from a corrupt directory fail as data errors, and only real failures of the underlying reader
// remain I/O errors.
type boundedReaderAt struct {
	r    io.ReaderAt
	size int64
}

func (b boundedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	switch {
	case off < 0:
		return 0, fmt.Errorf("%w: offset %d", errOutside, off)
	case off >= b.size:
		return 0, io.EOF
	}
	if rest := b.size - off; int64(len(p)) > rest {
		n, err := b.r.ReadAt(p[:rest], off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return b.r.ReadAt(p, off)
}

// ReadNPZ reads every array of the .npz archive at path (as written by np.savez or
// np.savez_compressed), keyed by entry name without the ".npy" suffix.
func ReadNPZ(path string) (map[string]*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return readNPZ(f, fi.Size(), path)
}

// ReadNPZFrom reads every array of an .npz archive of the given size from r.
//
// Every entry must be a .npy file: an archive with other entries (or directories) is refused
// rather than partly read. Entries may be stored or deflated.
func ReadNPZFrom(r io.ReaderAt, size int64) (map[string]*tensor.Tensor, error) {
	return readNPZ(r, size, "")
}

func readNPZ(r io.ReaderAt, size int64, name string) (map[string]*tensor.Tensor, error) {
	fail := func(entry string, cause error, format string, args ...any) error {
		file := name
		if entry != "" {
			if file != "" {
				file += ": "
			}
			file += "entry " + pyStr(entry)
		}
		return &FormatError{File: file, Offset: -1, Msg: fmt.Sprintf(format, args...), Err: cause}
	}
	if size < 0 {
		return nil, fail("", nil, "negative archive size %d", size)
	}
	zr, err := zip.NewReader(boundedReaderAt{r, size}, size)
	// Names with ".." are no hazard here: nothing is extracted to disk.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if isDataError(err) {
			return nil, fail("", err, "not a valid zip archive: %v", err)
		}
		return nil, fmt.Errorf("npy: %w", err)
	}
	out := make(map[string]*tensor.Tensor, len(zr.File))
	for _, f := range zr.File {
		key, ok := strings.CutSuffix(f.Name, ".npy")
		switch {
		case strings.HasSuffix(f.Name, "/"):
			return nil, fail(f.Name, nil, "is a directory; an .npz archive holds only .npy files")
		case !ok:
			return nil, fail(f.Name, nil, "is not a .npy file; an .npz archive holds only .npy files")
		case out[key] != nil:
			return nil, fail(f.Name, nil, "appears twice in the archive")
		}
		t, err := readEntry(f, size, name)
		if err != nil {
			return nil, err
		}
		out[key] = t
	}
	return out, nil
}

// readEntry reads one archive entry, bounding its size by what the archive can hold.
func readEntry(f *zip.File, zipSize int64, zipName string) (*tensor.Tensor, error) {
	label := "entry " + pyStr(f.Name)
	if zipName != "" {
		label = zipName + ": " + label
	}
	clamp := func(v uint64) int64 { return int64(min(v, math.MaxInt64/(2*maxDeflateRatio))) }
	packed := min(clamp(f.CompressedSize64), zipSize)
	s := &source{name: label, remain: clamp(f.UncompressedSize64), whole: "entry"}
	switch f.Method {
	case zip.Store:
		// Stored bytes come straight from the archive, so its size bounds them for real.
		s.remain, s.trusted = min(s.remain, packed), true
	case zip.Deflate:
		s.remain = min(s.remain, packed*maxDeflateRatio+1024)
	default:
		return nil, &FormatError{File: label, Offset: -1,
			Msg: fmt.Sprintf("compression method %d is not supported; want stored (0) or deflated (8)", f.Method), Err: zip.ErrAlgorithm}
	}
	rc, err := f.Open()
	if err != nil {
		if isDataError(err) {
			return nil, &FormatError{File: label, Offset: -1, Msg: err.Error(), Err: err}
		}
		return nil, fmt.Errorf("npy: %s: %w", label, err)
	}
	defer rc.Close()
	s.r = rc
	t, err := s.readArray()
	if err != nil {
		return nil, err
	}
	// Read to the end even when nothing should be left: that is when the checksum is verified.
	if err := s.expectEnd(); err != nil {
		return nil, err
	}
	return t, nil
}

// WriteNPZ writes arrays to path as an .npz archive, one entry "<name>.npy" per array in
// sorted name order: stored like np.savez, or deflated like np.savez_compressed. Like
// WriteFile it replaces path atomically.
func WriteNPZ(path string, arrays map[string]*tensor.Tensor, compressed bool) error {
	names := make([]string, 0, len(arrays))
	for n := range arrays {
		names = append(names, n)
	}
	slices.Sort(names)
	ts := make([]*tensor.Tensor, len(names))
	for i, n := range names {
		ts[i] = arrays[n]
	}
	return WriteNPZOrdered(path, names, ts, compressed)
}

// WriteNPZOrdered is WriteNPZ with the entries in the order given.
func WriteNPZOrdered(path string, names []string, arrays []*tensor.Tensor, compressed bool) error {
	if err := checkEntries(names, arrays); err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		return writeNPZ(w, names, arrays, compressed)
	})
}

// WriteNPZTo writes an .npz archive to w with the entries in the order given.
func WriteNPZTo(w io.Writer, names []string, arrays []*tensor.Tensor, compressed bool) error {
	if err := checkEntries(names, arrays); err != nil {
		return err
	}
	if err := writeNPZ(w, names, arrays, compressed); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// checkEntries refuses bad arguments before any file is created.
func checkEntries(names []string, arrays []*tensor.Tensor) error {
	if len(names) != len(arrays) {
		return fmt.Errorf("npy: %d names for %d arrays: %w", len(names), len(arrays), tensor.ErrArgument)
	}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		switch {
		case n == "":
			return fmt.Errorf("npy: array %d has an empty name: %w", i, tensor.ErrArgument)
		case !utf8.ValidString(n) || strings.ContainsRune(n, 0):
			return fmt.Errorf("npy: array name %q is not valid UTF-8 text: %w", n, tensor.ErrArgument)
		case seen[n]:
			return fmt.Errorf("npy: array name %q appears twice: %w", n, tensor.ErrArgument)
		case arrays[i] == nil:
			return fmt.Errorf("npy: array %q is nil: %w", n, tensor.ErrArgument)
		}
		seen[n] = true
		if _, ok := descrOf(arrays[i].DType()); !ok {
			return fmt.Errorf("npy: array %q: cannot write dtype %v: %w", n, arrays[i].DType(), tensor.ErrDType)
		}
	}
	return nil
}

// epoch is the modification time of every entry, the earliest a zip can record, so that the
// same arrays always give the same archive bytes.
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func writeNPZ(w io.Writer, names []string, arrays []*tensor.Tensor, compressed bool) error {
	zw := zip.NewWriter(w)
	for i, name := range names {
		hdr, data, err := encode(arrays[i])
		if err != nil {
			return fmt.Errorf("array %q: %w", name, err)
		}
		fh := &zip.FileHeader{Name: name + ".npy", Modified: epoch}
		fh.SetMode(0o644)
		var ew io.Writer
		if compressed {
			fh.Method = zip.Deflate
			ew, err = zw.CreateHeader(fh)
		} else {
			// Stored entries are written with their sizes and checksum up front rather than in a
			// trailing data descriptor, which some readers do not accept for stored data.
			crc := crc32.NewIEEE()
			crc.Write(hdr)
			crc.Write(data)
			fh.Method = zip.Store
			fh.CRC32 = crc.Sum32()
			fh.UncompressedSize64 = uint64(len(hdr) + len(data))
			fh.CompressedSize64 = fh.UncompressedSize64
			fh.ModifiedDate = 1<<5 | 1 // CreateRaw does not derive the MS-DOS date from Modified
			ew, err = zw.CreateRaw(fh)
		}
		if err != nil {
			return err
		}
		if _, err := ew.Write(hdr); err != nil {
			return err
		}
		if _, err := ew.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
