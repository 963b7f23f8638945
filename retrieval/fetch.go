package retrieval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"
)

// Sentinel errors of Fetch.
var (
	// ErrBlockedAddress means a link leads to an address a fetch must never
	// reach: this machine, a private or link-local network, a cloud
	// metadata service, multicast and the like.
	ErrBlockedAddress = errors.New("the link leads to a private or reserved network address")
	// ErrTooLarge means a page is larger than the fetcher reads.
	ErrTooLarge = errors.New("the page is too large")
	// ErrNotText means a page is not HTML, plain text or Markdown.
	ErrNotText = errors.New("the page is not text")
	// ErrFetch means the page could not be fetched: a bad link, a network
	// error, an error status or a timeout.
	ErrFetch = errors.New("could not fetch the page")
	// ErrFetchTimeout means the site did not answer in time. It comes
	// wrapped together with ErrFetch, so errors.Is finds both.
	ErrFetchTimeout = errors.New("the site did not answer in time")
)

// Fetcher defaults.
const (
	DefaultFetchMaxBytes     = 5 << 20
	DefaultFetchMaxRedirects = 5
	DefaultFetchTimeout      = 15 * time.Second
	DefaultUserAgent         = "Verbatim/1 (+https://github.com/verbatim-bot/verbatim)"
)

// Fetcher fetches web pages to add as sources, safely for a server that
// fetches links strangers give it: every address it connects to, on every
// redirect hop and after DNS resolution (so DNS rebinding cannot get round
// it), must be a public unicast address; the page is read up to a size
// limit and within a time limit. It never uses a proxy from the
// environment, which would connect on its behalf and skip that check.
//
// Zero fields take the defaults of NewFetcher. A Fetcher is safe for
// concurrent use.
type Fetcher struct {
	// MaxBytes is the largest page body read (after decompression).
	MaxBytes int64
	// MaxRedirects is how many redirects are followed; less than 0 follows
	// none.
	MaxRedirects int
	// Timeout bounds the whole fetch: connecting, redirects and reading.
	Timeout time.Duration
	// AllowLoopback permits 127.0.0.0/8 and ::1, and nothing else that is
	// blocked. It is for tests against httptest servers only.
	AllowLoopback bool
	// UserAgent is sent with every request.
	UserAgent string
}

// NewFetcher returns a Fetcher with safe defaults: 5 MiB, 5 redirects, 15 s.
func NewFetcher() *Fetcher {
	return &Fetcher{
		MaxBytes:     DefaultFetchMaxBytes,
		MaxRedirects: DefaultFetchMaxRedirects,
		Timeout:      DefaultFetchTimeout,
		UserAgent:    DefaultUserAgent,
	}
}

// Fetch gets the page at rawURL (http or https only) and parses it with
// ParseDocument as HTML, plain text or Markdown according to its
// Content-Type, decoding a declared non-UTF-8 charset. The document's
// Origin and URL are the final URL, after redirects.
//
// It returns an error wrapping ErrBlockedAddress (the link or a redirect
// leads to a blocked address), ErrTooLarge, ErrNotText (a Content-Type
// other than text/html, text/plain or text/markdown), or ErrFetch (a link
// that is not http(s), a network error, an error status, too many
// redirects, the timeout); the errors of ParseDocument for a page it
// cannot read; and ctx's error if ctx ends first.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Document, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return Document{}, fmt.Errorf("%w: %q is not a link: %v", ErrFetch, rawURL, err)
	}
	if err := checkFetchURL(u); err != nil {
		return Document{}, err
	}
	maxBytes, maxRedirects, timeout := f.MaxBytes, f.MaxRedirects, f.Timeout
	if maxBytes <= 0 {
		maxBytes = DefaultFetchMaxBytes
	}
	if maxRedirects == 0 {
		maxRedirects = DefaultFetchMaxRedirects
	}
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	ua := f.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}

	dialer := &net.Dialer{
		Timeout: timeout,
		// Control runs after DNS resolution and before connect, for each
		// address tried: it sees the very IP the socket will connect to.
		ControlContext: func(_ context.Context, network, address string, _ syscall.RawConn) error {
			return checkDial(network, address, f.AllowLoopback)
		},
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > max(maxRedirects, 0) {
				return fmt.Errorf("%w: the link redirects more than %d times", ErrFetch, max(maxRedirects, 0))
			}
			return checkFetchURL(req.URL)
		},
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Document{}, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", "text/html, text/plain;q=0.9, text/markdown;q=0.9, */*;q=0.1")
	resp, err := client.Do(req)
	if err != nil {
		return Document{}, fetchError(ctx, u, timeout, err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Document{}, fmt.Errorf("%w: %s answered %s; check that the link works in a browser",
			ErrFetch, final.Redacted(), resp.Status)
	}
	format, params, err := pageFormat(resp.Header.Get("Content-Type"))
	if err != nil {
		return Document{}, err
	}
	if resp.ContentLength > maxBytes {
		return Document{}, tooLarge(maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return Document{}, fetchError(ctx, final, timeout, err)
	}
	if int64(len(data)) > maxBytes {
		return Document{}, tooLarge(maxBytes)
	}
	if data, err = toUTF8(data, format, params, resp.Header.Get("Content-Type")); err != nil {
		return Document{}, err
	}
	doc, err := ParseDocument(pageName(final, format), data, Metadata{Origin: final.String(), URL: final.String()})
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", final.Redacted(), err)
	}
	return doc, nil
}

// checkFetchURL allows http and https links with a host.
func checkFetchURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: %q is not an http or https link", ErrFetch, u.Redacted())
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%w: %q has no host", ErrFetch, u.Redacted())
	}
	return nil
}

// fetchError explains a failed request: the caller's context ending, the
// fetch timing out, a blocked address or another network error.
func fetchError(ctx context.Context, u *url.URL, timeout time.Duration, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("fetch %s: %w", u.Redacted(), ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is said below, once
	}
	var be *blockedError
	switch {
	case errors.As(err, &be):
		return fmt.Errorf("%s: %w", u.Redacted(), be) // without the dialer's words
	case errors.Is(err, ErrFetch):
		return fmt.Errorf("%s: %w", u.Redacted(), err)
	case isTimeout(err):
		return fmt.Errorf("%w: %w: %s did not answer within %v; try again later", ErrFetch, ErrFetchTimeout, u.Redacted(), timeout)
	}
	return fmt.Errorf("%w: %s: %w; check the link and try again", ErrFetch, u.Redacted(), err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func tooLarge(maxBytes int64) error {
	size := fmt.Sprintf("%d bytes", maxBytes)
	switch {
	case maxBytes >= 1<<20:
		size = fmt.Sprintf("%.3g MiB", float64(maxBytes)/(1<<20))
	case maxBytes >= 1<<10:
		size = fmt.Sprintf("%.3g KiB", float64(maxBytes)/(1<<10))
	}
	return fmt.Errorf("%w: it is over %s; add a shorter page or paste the text", ErrTooLarge, size)
}

// pageFormat maps a Content-Type to a document format.
func pageFormat(contentType string) (format string, params map[string]string, err error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil, fmt.Errorf("%w (Content-Type %q); link to an HTML page, plain text or Markdown", ErrNotText, contentType)
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return formatHTML, params, nil
	case "text/plain":
		return formatText, params, nil
	case "text/markdown", "text/x-markdown":
		return formatMarkdown, params, nil
	}
	return "", nil, fmt.Errorf("%w (Content-Type %s); link to an HTML page, plain text or Markdown", ErrNotText, mt)
}

// toUTF8 decodes data from the charset its Content-Type declares or, for
// HTML without one, the charset its <meta> declares. UTF-8 (and undeclared
// plain text) is returned as is, for ParseDocument to check.
func toUTF8(data []byte, format string, params map[string]string, contentType string) ([]byte, error) {
	label := params["charset"]
	if label == "" && format == formatHTML {
		head := data[:min(len(data), 1024)]
		_, name, certain := charset.DetermineEncoding(head, contentType)
		if !certain && !bytes.Contains(bytes.ToLower(head), []byte("charset")) {
			// Neither a byte-order mark nor a <meta> declaration:
			// DetermineEncoding guessed. Leave the bytes to ParseDocument.
			name = ""
		}
		label = name
	}
	if label == "" || strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
		return data, nil
	}
	r, err := charset.NewReaderLabel(label, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: unknown charset %q", ErrNotText, label)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: decoding charset %q: %v", ErrNotText, label, err)
	}
	return out, nil
}

// pageName is the name ParseDocument gets for a page: the last element of
// its path (else its host) with the extension of its format, so that the
// format follows the Content-Type and a page without a title is named
// after its link rather than "page".
func pageName(u *url.URL, format string) string {
	base := strings.TrimSuffix(path.Base(u.Path), path.Ext(path.Base(u.Path)))
	if base == "" || base == "." || base == "/" {
		base = u.Hostname()
	}
	base = strings.Map(func(r rune) rune {
		if r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, base)
	ext := map[string]string{formatHTML: ".html", formatText: ".txt", formatMarkdown: ".md"}[format]
	return base + ext
}

// checkDial allows a connection to address (an IP and port, resolved) only
// over TCP and only to an address blockedAddr allows.
func checkDial(network, address string, allowLoopback bool) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return &blockedError{what: "network " + network}
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &blockedError{what: address + " (not an IP address)"}
	}
	if blockedAddr(ap.Addr(), allowLoopback) {
		return &blockedError{what: ap.Addr().WithZone("").String()}
	}
	return nil
}

// blockedError is a connection checkDial refused; it is ErrBlockedAddress.
type blockedError struct{ what string }

func (e *blockedError) Error() string { return fmt.Sprintf("%v (%s)", ErrBlockedAddress, e.what) }
func (e *blockedError) Unwrap() error { return ErrBlockedAddress }

// blockedPrefixes are IPv4 ranges (and IPv6 ones not covered by netip's
// predicates) that no fetch may reach.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT; Alibaba's metadata 100.100.100.200
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments; Oracle's 192.0.0.192
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast 255.255.255.255
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("ff00::/8"),        // multicast
	netip.MustParsePrefix("fc00::/7"),        // unique local; AWS's metadata fd00:ec2::254
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local; the usual cloud metadata 169.254.169.254
	netip.MustParsePrefix("fe80::/10"),       // link-local
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast
	netip.MustParsePrefix("10.0.0.0/8"),      // private
	netip.MustParsePrefix("172.16.0.0/12"),   // private
	netip.MustParsePrefix("192.168.0.0/16"),  // private
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
}

// Prefixes that embed an IPv4 address in an IPv6 one, which is then judged
// as that IPv4 address.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: last 32 bits
	sixToFour   = netip.MustParsePrefix("2002::/16")    // 6to4: bits 16–47
)

// blockedAddr reports whether a fetch must not connect to ip: anything but
// a public unicast address, with loopback allowed only when allowLoopback.
// An IPv4 address mapped into IPv6, or embedded in it by NAT64 or 6to4, is
// judged as the IPv4 address it carries.
func blockedAddr(ip netip.Addr, allowLoopback bool) bool {
	ip = ip.WithZone("").Unmap()
	if !ip.IsValid() {
		return true
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64Prefix.Contains(ip):
			return blockedAddr(netip.AddrFrom4([4]byte(b[12:16])), false)
		case sixToFour.Contains(ip):
			return blockedAddr(netip.AddrFrom4([4]byte(b[2:6])), false)
		}
	}
	if ip.IsLoopback() {
		return !allowLoopback
	}
	if ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || !ip.IsGlobalUnicast() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
