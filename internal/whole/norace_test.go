//go:build !race

package whole

const raceEnabled = false
