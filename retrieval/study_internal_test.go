package retrieval

// SetMaxGapsForTest lowers how many gaps a library keeps and returns a
// function that restores it. Tests using it must not run in parallel.
func SetMaxGapsForTest(n int) (restore func()) {
	old := maxGapsPerLibrary
	maxGapsPerLibrary = n
	return func() { maxGapsPerLibrary = old }
}
