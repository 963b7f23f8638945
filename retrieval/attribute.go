package retrieval

func extractQuotes(text string, ps []Paragraph) []Quote { return nil }

func attribute(text string, a Analysis, qs []Quote) []Quote { return qs }
