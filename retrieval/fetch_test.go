package retrieval

// An internal test: besides Fetch against httptest servers on loopback, it
// checks blockedAddr directly with public addresses, which a test must
// never connect to.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testFetcher allows loopback, for httptest servers, and nothing else.
func testFetcher() *Fetcher {
	f := NewFetcher()
	f.AllowLoopback = true
	f.Timeout = 5 * time.Second
	return f
}

// serve starts an httptest server on loopback with handler h.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetcher_Fetch(t *testing.T) {
	ctx := context.Background()

	t.Run("HTML", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			assert.Equal(t, DefaultUserAgent, r.Header.Get("User-Agent"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>Arctic talks</title></head><body><article>`+
				`<p>"The Arctic is not for sale," said Mute Egede, Prime Minister of Greenland.</p>`+
				`<p>Shipping through the Northern Sea Route rose sharply last year.</p></article></body></html>`)
		})
		doc, err := testFetcher().Fetch(ctx, srv.URL+"/news/arctic")
		require.NoError(t, err)
		assert.Equal(t, "html", doc.Format)
		assert.Equal(t, "Arctic talks", doc.Title)
		assert.Equal(t, srv.URL+"/news/arctic", doc.Origin)
		assert.Equal(t, srv.URL+"/news/arctic", doc.URL)
		assert.Contains(t, doc.Text, "The Arctic is not for sale")
	})
	t.Run("PlainAndMarkdown", func(t *testing.T) {
		for _, tt := range []struct{ ctype, format, title string }{
			{"text/plain", "text", "notes"},
			{"text/markdown; charset=UTF-8", "markdown", "Heading"},
		} {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				fmt.Fprint(w, "# Heading\n\nSome words of text. And more of them here.\n")
			})
			doc, err := testFetcher().Fetch(ctx, srv.URL+"/notes")
			require.NoError(t, err, tt.ctype)
			assert.Equal(t, tt.format, doc.Format, tt.ctype)
			assert.Contains(t, doc.Text, "Some words of text.")
		}
	})
	t.Run("Charset", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
			w.Write([]byte("Un caf\xe9 cr\xe8me, s'il vous pla\xeet.\n"))
		})
		doc, err := testFetcher().Fetch(ctx, srv.URL+"/fr")
		require.NoError(t, err)
		assert.Equal(t, "Un café crème, s'il vous plaît.", doc.Text)
	})
	t.Run("Redirect", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/new", http.StatusMovedPermanently)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "Moved here for good.")
		})
		doc, err := testFetcher().Fetch(ctx, srv.URL+"/old")
		require.NoError(t, err)
		assert.Equal(t, srv.URL+"/new", doc.Origin, "the final URL")
		assert.Equal(t, "Moved here for good.", doc.Text)
	})

	blocked := func(t *testing.T, f *Fetcher, rawURL string) error {
		t.Helper()
		_, err := f.Fetch(ctx, rawURL)
		require.ErrorIs(t, err, ErrBlockedAddress, "%s", rawURL)
		return err
	}
	t.Run("ErrBlockedAddress", func(t *testing.T) {
		// Refused in the dialer's Control hook, after the socket is made
		// and before connect: no packet leaves for these addresses.
		for _, u := range []string{
			"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1:8080/",
			"https://172.16.0.1/", "http://100.100.100.200/", "http://0.0.0.0/", "http://[::ffff:10.0.0.1]/",
			"http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://224.0.0.1/",
		} {
			err := blocked(t, testFetcher(), u)
			assert.NotContains(t, err.Error(), "connection refused", u)
		}
	})
	t.Run("ErrBlockedAddress/LoopbackNotAllowed", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			t.Error("a request reached the loopback server")
		})
		f := NewFetcher()
		blocked(t, f, srv.URL+"/")
		blocked(t, f, "http://[::1]:1/")
		// A name is checked by the address it resolves to.
		blocked(t, f, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/")
	})
	t.Run("ErrBlockedAddress/RedirectToPrivate", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://10.255.255.1/", http.StatusFound)
		})
		err := blocked(t, testFetcher(), srv.URL+"/go")
		assert.Contains(t, err.Error(), "10.255.255.1")
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		for _, chunked := range []bool{false, true} {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				body := strings.Repeat("word ", 300) // 1500 bytes
				if chunked {
					w.(http.Flusher).Flush() // no Content-Length
				}
				fmt.Fprint(w, body)
			})
			f := testFetcher()
			f.MaxBytes = 1000
			_, err := f.Fetch(ctx, srv.URL+"/big")
			require.ErrorIs(t, err, ErrTooLarge, "chunked %v", chunked)
			f.MaxBytes = 1500
			_, err = f.Fetch(ctx, srv.URL+"/big")
			require.NoError(t, err, "exactly the limit, chunked %v", chunked)
		}
	})
	t.Run("ErrNotText", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n"))
		})
		_, err := testFetcher().Fetch(ctx, srv.URL+"/cat.png")
		require.ErrorIs(t, err, ErrNotText)
		assert.Contains(t, err.Error(), "the page is not text (Content-Type image/png)")
	})
	t.Run("ErrFetch/TooManyRedirects", func(t *testing.T) {
		var hits int
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			hits++
			http.Redirect(w, r, fmt.Sprintf("/r%d", hits), http.StatusFound)
		})
		f := testFetcher()
		f.MaxRedirects = 3
		_, err := f.Fetch(ctx, srv.URL+"/")
		require.ErrorIs(t, err, ErrFetch)
		assert.Contains(t, err.Error(), "more than 3 times")
		assert.Equal(t, 4, hits, "the first request and 3 redirects")

		f.MaxRedirects = -1
		hits = 0
		_, err = f.Fetch(ctx, srv.URL+"/")
		require.ErrorIs(t, err, ErrFetch)
		assert.Equal(t, 1, hits)
	})
	t.Run("ErrFetch/Timeout", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		})
		f := testFetcher()
		f.Timeout = 200 * time.Millisecond
		start := time.Now()
		_, err := f.Fetch(ctx, srv.URL+"/slow")
		require.ErrorIs(t, err, ErrFetch)
		require.ErrorIs(t, err, ErrFetchTimeout)
		assert.Contains(t, err.Error(), "did not answer within 200ms")
		assert.Less(t, time.Since(start), 3*time.Second, "the fetch gave up before the site answered")
	})
	t.Run("ErrFetch/Status", func(t *testing.T) {
		srv := serve(t, http.NotFound)
		_, err := testFetcher().Fetch(ctx, srv.URL+"/gone")
		require.ErrorIs(t, err, ErrFetch)
		assert.Contains(t, err.Error(), "404")
	})
	t.Run("ErrFetch/Scheme", func(t *testing.T) {
		for _, u := range []string{"ftp://example.org/a.txt", "file:///etc/passwd", "javascript:alert(1)", "http://", "::"} {
			_, err := testFetcher().Fetch(ctx, u)
			require.ErrorIs(t, err, ErrFetch, u)
		}
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		})
		_, err := testFetcher().Fetch(ctx, srv.URL+"/")
		require.ErrorIs(t, err, ErrFetch)
	})
	t.Run("Canceled", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := testFetcher().Fetch(cctx, srv.URL+"/")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.False(t, errors.Is(err, ErrFetch))
	})
}

func TestBlockedAddr(t *testing.T) {
	for _, tt := range []struct {
		ip            string
		blocked       bool
		blockedUnless bool // blocked unless AllowLoopback
	}{
		{"93.184.216.34", false, false},
		{"8.8.8.8", false, false},
		{"2606:4700:4700::1111", false, false},
		{"::ffff:93.184.216.34", false, false},
		{"127.0.0.1", true, false},
		{"127.255.0.1", true, false},
		{"::1", true, false},
		{"::ffff:127.0.0.1", true, false},
		{"10.0.0.1", true, true},
		{"172.16.0.1", true, true},
		{"172.31.255.255", true, true},
		{"192.168.0.1", true, true},
		{"169.254.169.254", true, true},
		{"169.254.170.2", true, true},
		{"100.64.0.1", true, true},
		{"100.100.100.200", true, true},
		{"192.0.0.192", true, true},
		{"0.0.0.0", true, true},
		{"0.1.2.3", true, true},
		{"255.255.255.255", true, true},
		{"240.0.0.1", true, true},
		{"224.0.0.251", true, true},
		{"::", true, true},
		{"fe80::1", true, true},
		{"fe80::1%eth0", true, true},
		{"fc00::1", true, true},
		{"fd00:ec2::254", true, true},
		{"ff02::1", true, true},
		{"::ffff:10.0.0.1", true, true},
		{"::ffff:169.254.169.254", true, true},
		{"::10.0.0.1", true, true},
		{"64:ff9b::a00:1", true, true},       // NAT64 of 10.0.0.1
		{"64:ff9b::5db8:d822", false, false}, // NAT64 of 93.184.216.34
		{"2002:a00:1::1", true, true},        // 6to4 of 10.0.0.1
		{"2002:5db8:d822::1", false, false},  // 6to4 of 93.184.216.34
		{"2001:0:4136:e378::1", true, true},  // Teredo
	} {
		ip := netip.MustParseAddr(tt.ip)
		assert.Equal(t, tt.blocked, blockedAddr(ip, false), "%s", tt.ip)
		assert.Equal(t, tt.blockedUnless, blockedAddr(ip, true), "%s with loopback allowed", tt.ip)
	}
}

func TestCheckDial(t *testing.T) {
	require.NoError(t, checkDial("tcp4", "127.0.0.1:80", true))
	require.ErrorIs(t, checkDial("tcp4", "127.0.0.1:80", false), ErrBlockedAddress)
	require.ErrorIs(t, checkDial("udp", "93.184.216.34:53", false), ErrBlockedAddress)
	require.ErrorIs(t, checkDial("tcp", "example.org:80", false), ErrBlockedAddress, "only resolved addresses")
	require.NoError(t, checkDial("tcp6", "[2606:4700:4700::1111]:443", false))
}

func TestPageName(t *testing.T) {
	for _, tt := range []struct{ url, format, want string }{
		{"https://example.org/news/arctic-talks", formatHTML, "arctic-talks.html"},
		{"https://example.org/a/index.php?x=1", formatHTML, "index.html"},
		{"https://example.org/", formatText, "example.org.txt"},
		{"https://example.org", formatMarkdown, "example.org.md"},
	} {
		u := mustParseURL(t, tt.url)
		assert.Equal(t, tt.want, pageName(u, tt.format), tt.url)
	}
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}
