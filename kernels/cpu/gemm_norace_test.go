//go:build !race

package cpu

const gemmRaceEnabled = false
