package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// CDNHost is the host Discord serves attachments from.
const CDNHost = "cdn.discordapp.com"

// routeCDN is the path of an attachment on the CDN (not an API route).
const routeCDN = "/attachments/{channel_id}/{attachment_id}/{filename}"

// Attachment is a file a user attached to a command's ATTACHMENT option, as
// it appears in data.resolved.attachments. Its URL, on CDNHost, carries
// Discord's signed query (ex, is, hm) and is served by the fake to any
// client Redirect points at it.
type Attachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type,omitempty"`
	// Size is what Discord says the file's size is. AddAttachment sets it to
	// the data's length; a test may change it to check that a client does
	// not trust it.
	Size      int    `json:"size"`
	URL       string `json:"url"`
	ProxyURL  string `json:"proxy_url"`
	Ephemeral bool   `json:"ephemeral"`
}

// cdnFile is an uploaded attachment the fake serves.
type cdnFile struct {
	contentType string
	data        []byte
	hm          string // the signature its URL must carry
}

// AddAttachment uploads data as a file named filename, as a user's client
// does before it sends a command with an ATTACHMENT option, and returns the
// attachment to pass to AttachmentOpt.
//
// A GET of its URL answers 200 with data and contentType. The fake records
// the download as a Request (IsCDN), and reports a download that carries an
// Authorization header: the CDN needs none, so a client that sends one is
// leaking its token beyond the API. A URL with a wrong signature or an
// unknown attachment gets 404, as on Discord.
func (s *Server) AddAttachment(filename, contentType string, data []byte) Attachment {
	id := NewSnowflake()
	var sig [16]byte
	if _, err := rand.Read(sig[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	hm := hex.EncodeToString(sig[:])
	path := "/attachments/" + DefaultChannelID + "/" + id + "/" + url.PathEscape(filename)
	u := "https://" + CDNHost + path + "?ex=" + strconv.FormatInt(s.now().Unix()+86400, 16) +
		"&is=" + strconv.FormatInt(s.now().Unix(), 16) + "&hm=" + hm + "&"
	s.mu.Lock()
	if s.cdn == nil {
		s.cdn = map[string]*cdnFile{}
	}
	s.cdn[DefaultChannelID+"/"+id] = &cdnFile{contentType: contentType, data: append([]byte(nil), data...), hm: hm}
	s.mu.Unlock()
	return Attachment{
		ID: id, Filename: filename, ContentType: contentType, Size: len(data),
		URL: u, ProxyURL: strings.Replace(u, CDNHost, "media.discordapp.net", 1), Ephemeral: true,
	}
}

// AttachmentOpt is an ATTACHMENT option holding a; the builder adds a to
// data.resolved.attachments.
func AttachmentOpt(name string, a Attachment) Opt {
	return Opt{Name: name, Type: OptAttachment, Value: a.ID, attachment: &a}
}

// IsCDN matches downloads of attachments from the CDN.
func IsCDN(r Request) bool { return r.Route == routeCDN }

// serveCDN answers a download of an attachment.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	req := Request{
		Method: r.Method, Path: r.URL.Path, Host: r.Host, Route: routeCDN, Query: r.URL.Query(),
		Header: r.Header.Clone(), Authorization: r.Header.Get("Authorization"), Time: s.now(),
	}
	var f *cdnFile
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/attachments/"), "/")
	if len(parts) == 3 {
		req.Params = map[string]string{"channel_id": parts[0], "attachment_id": parts[1], "filename": parts[2]}
		s.mu.Lock()
		f = s.cdn[parts[0]+"/"+parts[1]]
		s.mu.Unlock()
	}
	switch {
	case req.Authorization != "":
		// The header's value is never logged.
		s.errorf("GET %s: sent an Authorization header to the CDN; the token must not leave Discord's API", r.URL.Path)
		req.Violations = []string{"Authorization header sent to the CDN"}
	case r.Host != CDNHost && r.Host != "media.discordapp.net":
		s.errorf("GET %s: attachment fetched from host %q, not %s", r.URL.Path, r.Host, CDNHost)
	}
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		req.Status = http.StatusMethodNotAllowed
	case f == nil || r.URL.Query().Get("hm") != f.hm:
		s.logf("GET %s: no such attachment, or a wrong signature; answered 404", r.URL.Path)
		req.Status = http.StatusNotFound
	default:
		req.Status = http.StatusOK
	}
	s.record(req)
	if req.Status != http.StatusOK {
		http.Error(w, fmt.Sprintf("%d %s", req.Status, http.StatusText(req.Status)), req.Status)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(f.data)
	}
}
