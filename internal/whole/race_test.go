//go:build race

package whole

const raceEnabled = true
