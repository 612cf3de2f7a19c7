// Package npy reads and writes NumPy's .npy array files and .npz archives of them.
//
// # Format
//
// A .npy file is a magic string, a version, a little-endian header length and a header: a
// Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// followed by the raw elements. Versions 1.0 and 2.0 (a 4-byte header length) and 3.0 (a UTF-8
// header) are read. Writing produces version 1.0, or 2.0 when the header needs more than 65535
// bytes (only shapes of rank in the tens of thousands do), byte for byte what np.save writes:
// the header is padded with spaces and a newline so that the data starts at a multiple of 64
// bytes, after the same spare room NumPy leaves for the growth axis.
//
// The supported descrs are '<f2' '<f4' '<f8' '|i1' '<i4' '<i8' '|u1' '|b1' (one-byte types may
// also be spelled with '<' or '>'), their big-endian '>' forms, which are byte-swapped on
// reading, and the 2-byte void '<V2' for bfloat16. Anything else (complex, int16, strings,
// objects, structured dtypes, a descr without a byte order) is refused with an error naming the
// type. Bool bytes other than 0 and 1 read as true.
//
// # bfloat16
//
// NumPy has no bfloat16. The ml_dtypes package (used by JAX and TensorFlow) gives NumPy one,
// but np.save records it only as '<V2', a 2-byte opaque record. This package writes bfloat16
// tensors with that same descr, so NumPy loads them as raw records and
// arr.view(ml_dtypes.bfloat16) recovers the numbers, and it reads every 2-byte void ('<V2',
// '|V2', which NumPy writes back after loading such a file, or '>V2', byte-swapped) as
// bfloat16. No other 2-byte record type is in common use; a file holding one would be
// misread as bfloat16.
//
// # Memory order
//
// fortran_order True reads into a tensor.ColMajor tensor without reordering. On writing, a
// row-major tensor is written as it is, a column-major one with fortran_order True (as NumPy
// writes an F-contiguous array), and any other view (a strided slice, a broadcast) as a
// row-major copy.
//
// # Errors and untrusted input
//
// Malformed input gives a *FormatError, which matches tensor.ErrData under errors.Is and says
// what is wrong, where (the file, the archive entry and the byte offset) and, for truncated
// input, also matches io.ErrUnexpectedEOF. Failures of the underlying reader or file system are
// returned as they are, wrapped. Nothing in this package panics on any input.
//
// Sizes in a header are checked before memory is allocated: against the remaining length of
// the input where it is known (files, in-memory readers, stored archive entries), and otherwise
// data is read in 8 MiB chunks, so a lying header costs memory in proportion to the bytes
// actually present. Headers are limited to 1 MiB and arrays to 2^50 bytes.
//
// # Files
//
// WriteFile, WriteNPZ and WriteNPZOrdered replace their target atomically: a temporary file in
// the same directory is written, synced and renamed over the target, and the directory is
// synced, so the target never holds a partly written array. Archives are written with entries
// in a fixed order and a fixed timestamp (1980-01-01), so the same arrays give the same bytes.
package npy

//go:generate /usr/bin/python3 testdata/gen.py
