package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// npyWith returns a valid-looking file around a header dictionary, with n data bytes.
func npyWith(dict string, n int) []byte { return rawNPY(1, dict, make([]byte, n)) }

func dictOf(descr, fortran, shape string) string {
	return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }"
}

func TestBadInput(t *testing.T) {
	good := npyWith(dictOf("'<f4'", "False", "(3, 4)"), 48)
	v2len := func(n uint32) []byte {
		return binary.LittleEndian.AppendUint32([]byte(magic+"\x02\x00"), n)
	}
	cases := []struct {
		name  string
		input []byte
		want  []string // all must appear in the message
		// stream, if set, replaces want when the reader cannot tell the input's length
		stream []string
	}{
		{"empty", nil, []string{"truncated", "0 bytes into the 8-byte magic"}, nil},
		{"bad magic", []byte("hello, world"), []string{"at byte 0", `bad magic "hello,"`, "not a .npy file"}, nil},
		{"short bad magic", []byte("\x93NUX"), []string{"bad magic"}, nil},
		{"zip", []byte("PK\x03\x04 and so on"), []string{"zip archive", "ReadNPZ"}, nil},
		{"truncated magic", []byte("\x93NUMP"), []string{"truncated", "5 bytes into"}, nil},
		{"no version", []byte(magic), []string{"truncated"}, nil},
		{"version 4", append([]byte(magic+"\x04\x00"), good[8:]...), []string{"at byte 6", "unsupported format version 4.0"}, nil},
		{"version 1.1", append([]byte(magic+"\x01\x01"), good[8:]...), []string{"version 1.1"}, nil},
		{"version 0", append([]byte(magic+"\x00\x00"), good[8:]...), []string{"version 0.0"}, nil},
		{"no header length", []byte(magic + "\x01\x00\x10"), []string{"truncated", "header length field"}, nil},
		{"header past EOF", append([]byte(magic+"\x01\x00\xff\x00"), "{'descr'"...), []string{"at byte 8", "header length 255 runs past the end", "(8 bytes follow)"},
			[]string{"truncated", "input ends 8 bytes into the 255-byte header"}},
		{"header over limit", append(v2len(1<<31), "{}"...), []string{"at byte 8", "header length 2147483648 is over the 1048576-byte limit"}, nil},
		{"not a dict", npyWith("['<f4', False, (3,)]", 0), []string{"at byte 10", "expected '{'"}, nil},
		{"missing shape", npyWith("{'descr': '<f4', 'fortran_order': False}", 0), []string{"no 'shape' key"}, nil},
		{"missing descr", npyWith("{'shape': (), 'fortran_order': False}", 0), []string{"no 'descr' key"}, nil},
		{"duplicate key", npyWith("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}", 0), []string{"at byte 27", "'descr' appears twice"}, nil},
		{"extra key", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}", 0), []string{"unexpected key 'x'"}, nil},
		{"unquoted key", npyWith("{descr: '<f4'}", 0), []string{"at byte 11", "expected a key"}, nil},
		{"no colon", npyWith("{'descr' '<f4'}", 0), []string{"expected ':' after key 'descr'"}, nil},
		{"no comma", npyWith("{'descr': '<f4' 'shape': ()}", 0), []string{"expected ',' or '}' after the value of 'descr'"}, nil},
		{"unterminated dict", npyWith("{'descr': '<f4', ", 0), []string{"expected a key", "end of header"}, nil},
		{"trailing junk", npyWith(dictOf("'<f4'", "False", "()")+" x", 4), []string{"after the header dictionary"}, nil},
		{"nul padding", npyWith(dictOf("'<f4'", "False", "()")+"\x00", 4), []string{"after the header dictionary"}, nil},
		{"unterminated string", npyWith("{'descr: '<f4'}", 0), []string{"expected ':' after key 'descr: '"}, nil},
		{"string to end", npyWith("{'descr", 0), []string{"unterminated string"}, nil},
		{"escape", npyWith(dictOf(`'<f\x34'`, "False", "()"), 4), []string{"escape sequences"}, nil},
		{"control char", npyWith(dictOf("'<f\n4'", "False", "()"), 4), []string{"unexpected byte 0x0a inside a string"}, nil},
		{"complex", npyWith(dictOf("'<c8'", "False", "(2,)"), 16), []string{"unsupported descr '<c8' (complex64)"}, nil},
		{"int16", npyWith(dictOf("'<i2'", "False", "(2,)"), 4), []string{"'<i2' (int16)"}, nil},
		{"uint64", npyWith(dictOf("'<u8'", "False", "(2,)"), 16), []string{"'<u8' (uint64)"}, nil},
		{"long double", npyWith(dictOf("'<f16'", "False", "(2,)"), 32), []string{"float128, C long double"}, nil},
		{"unicode", npyWith(dictOf("'<U5'", "False", "(2,)"), 40), []string{"unicode string of 5 characters"}, nil},
		{"object", npyWith(dictOf("'|O'", "False", "(2,)"), 16), []string{"'|O' (Python objects"}, nil},
		{"datetime", npyWith(dictOf("'<M8[ns]'", "False", "(2,)"), 16), []string{"datetime64"}, nil},
		{"void 4", npyWith(dictOf("'|V4'", "False", "(2,)"), 8), []string{"raw void of 4 bytes"}, nil},
		{"nonsense descr", npyWith(dictOf("'<zz'", "False", "(2,)"), 8), []string{"'<zz' (unknown type code)"}, nil},
		{"structured", npyWith(dictOf("[('a', '<f4')]", "False", "(2,)"), 8), []string{"structured dtypes"}, nil},
		{"descr not a string", npyWith(dictOf("5", "False", "(2,)"), 8), []string{"expected the descr"}, nil},
		{"native order", npyWith(dictOf("'=f4'", "False", "(2,)"), 8), []string{"'=f4' has no explicit byte order"}, nil},
		{"no order", npyWith(dictOf("'f4'", "False", "(2,)"), 8), []string{"'f4' has no explicit byte order"}, nil},
		{"pipe order", npyWith(dictOf("'|f4'", "False", "(2,)"), 8), []string{"'|' is only valid for one-byte types"}, nil},
		{"empty descr", npyWith(dictOf("''", "False", "(2,)"), 8), []string{"empty descr"}, nil},
		{"lowercase bool", npyWith(dictOf("'<f4'", "false", "(2,)"), 8), []string{"fortran_order must be True or False", `"false`}, nil},
		{"int bool", npyWith(dictOf("'<f4'", "0", "(2,)"), 8), []string{"fortran_order must be True or False"}, nil},
		{"negative dim", npyWith(dictOf("'<f4'", "False", "(3, -4)"), 48), []string{"negative dimension -4"}, nil},
		{"no tuple comma", npyWith(dictOf("'<f4'", "False", "(3)"), 12), []string{"shape (3) is not a tuple", "trailing comma"}, nil},
		{"list shape", npyWith(dictOf("'<f4'", "False", "[3]"), 12), []string{"shape must be a tuple"}, nil},
		{"int shape", npyWith(dictOf("'<f4'", "False", "3"), 12), []string{"expected the shape tuple"}, nil},
		{"float dim", npyWith(dictOf("'<f4'", "False", "(3.0,)"), 12), []string{"expected ',' or ')' after a dimension"}, nil},
		{"hex dim", npyWith(dictOf("'<f4'", "False", "(0x3,)"), 12), []string{"expected ',' or ')' after a dimension"}, nil},
		{"leading zero", npyWith(dictOf("'<f4'", "False", "(03,)"), 12), []string{"leading zero"}, nil},
		{"empty dim", npyWith(dictOf("'<f4'", "False", "(3,,)"), 12), []string{"expected a dimension"}, nil},
		{"lone comma", npyWith(dictOf("'<f4'", "False", "(,)"), 0), []string{"expected a dimension"}, nil},
		{"unclosed tuple", npyWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4}", 48), []string{"expected ',' or ')' in shape"}, nil},
		{"huge dim", npyWith(dictOf("'<f4'", "False", "(99999999999999999999999,)"), 0), []string{"dimension 99999999999999999999999 is too large"}, nil},
		{"overflowing product", npyWith(dictOf("'<f8'", "False", "(1073741824, 1073741824)"), 0), []string{"shape (1073741824, 1073741824) is too large"}, nil},
		{"overflow with a zero", npyWith(dictOf("'<f8'", "False", "(0, 1073741824, 1073741824)"), 0), []string{"too large"}, nil},
		{"bytes overflow", npyWith(dictOf("'<f8'", "False", "(1125899906842624,)"), 0), []string{"too large"}, nil},
		{"short data", npyWith(dictOf("'<f4'", "False", "(3, 4)"), 20), []string{"at byte 10", "shape (3, 4) of float32 needs 48 bytes of data", "has 20 (from byte 69)"}, nil},
		{"lying shape", npyWith(dictOf("'<f8'", "False", "(1000000000000,)"), 8), []string{"needs 8000000000000 bytes of data", "has 8 (from byte 79)"}, nil},
		{"non-utf8 v3", rawNPY(3, "{'descr': '\xff'}", nil), []string{"not valid UTF-8"}, nil},
		{"latin1 v1", rawNPY(1, "{'descr': '\xe9'}", nil), []string{"unexpected byte 0xe9"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, r := range []io.Reader{bytes.NewReader(c.input), onlyReader{bytes.NewReader(c.input)}} {
				_, err := Read(r)
				if c.input == nil {
					if err != io.EOF {
						t.Errorf("empty stream: %v, want io.EOF", err)
					}
					continue
				}
				if i == 1 && c.stream != nil {
					checkErr(t, err, c.stream)
				} else {
					checkErr(t, err, c.want)
				}
			}
			// Through a file, the message names it.
			path := filepath.Join(t.TempDir(), "bad.npy")
			if err := os.WriteFile(path, c.input, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(path)
			if c.input == nil {
				checkErr(t, err, []string{path, "file is empty"})
			} else {
				checkErr(t, err, append([]string{path}, c.want...))
			}
		})
	}
}

func checkErr(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", want)
	}
	if !errors.Is(err, tensor.ErrData) {
		t.Errorf("%v: does not match tensor.ErrData", err)
	}
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Errorf("%v: not a *FormatError", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "npy: ") {
		t.Errorf("%q does not start with npy:", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not mention %q", msg, w)
		}
	}
}

func TestTruncationMatchesUnexpectedEOF(t *testing.T) {
	good := npyWith(dictOf("'<f4'", "False", "(3, 4)"), 48)
	for n := range len(good) {
		_, err := Read(onlyReader{bytes.NewReader(good[:n])})
		if n == 0 {
			if err != io.EOF {
				t.Errorf("0 bytes: %v", err)
			}
			continue
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, tensor.ErrData) {
			t.Errorf("%d bytes: %v", n, err)
		}
		if _, err := Read(bytes.NewReader(good[:n])); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%d bytes, known length: %v", n, err)
		}
	}
}

// failingReader returns its data and then a non-EOF error, as a network stream might.
type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("connection reset")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReaderErrors: failures of the reader are I/O errors, not data errors.
func TestReaderErrors(t *testing.T) {
	good := npyWith(dictOf("'<f4'", "False", "(3, 4)"), 48)
	for _, n := range []int{0, 4, 9, 30, len(good) - 1} {
		_, err := Read(&failingReader{data: good[:n]})
		if err == nil || errors.Is(err, tensor.ErrData) || !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("%d bytes then a failure: %v", n, err)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.npy")); err == nil || errors.Is(err, tensor.ErrData) {
		t.Errorf("missing file: %v", err)
	}
}
