//go:build race

package bot_test

// raceDetector says the tests run under the race detector, which slows
// them five to tenfold: timing figures are then meaningless.
const raceDetector = true
