package bookmarks

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"

	"ferry/config"
)

// Imported is a bookmark read from another program's file, with the
// password that file held (not saved anywhere yet; see File.Import).
type Imported struct {
	Bookmark Bookmark
	Password string
}

// Found is what an import file held: the bookmarks ferry can use, and a
// note for each entry or detail it could not.
type Found struct {
	Format    string // "FileZilla" or "lftp"
	Bookmarks []Imported
	Notes     []string
}

// maxImportSize bounds an import file; site managers are kilobytes.
const maxImportSize = 16 << 20

// ParseImport reads FileZilla's sitemanager.xml or lftp's bookmarks file,
// telling them apart by their content.
func ParseImport(r io.Reader) (Found, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportSize+1))
	if err != nil {
		return Found{}, err
	}
	if len(data) > maxImportSize {
		return Found{}, fmt.Errorf("larger than %d MiB: not a bookmarks file", maxImportSize>>20)
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		return parseFileZilla(data)
	}
	return parseLftp(data)
}

// FileZilla's sitemanager.xml: <FileZilla3><Servers> holds <Server>s and
// <Folder>s, a folder's name being its own text. The numbers are
// FileZilla's ServerProtocol and LogonType values.
type fzFolder struct {
	Text    string     `xml:",chardata"`
	Folders []fzFolder `xml:"Folder"`
	Servers []fzServer `xml:"Server"`
}

type fzServer struct {
	Text      string `xml:",chardata"` // the name, in FileZilla 3.0 to 3.x files
	Name      string `xml:"Name"`
	Host      string `xml:"Host"`
	Port      string `xml:"Port"`
	Protocol  string `xml:"Protocol"`
	Logontype string `xml:"Logontype"`
	User      string `xml:"User"`
	Pass      fzPass `xml:"Pass"`
	PasvMode  string `xml:"PasvMode"`
	RemoteDir string `xml:"RemoteDir"`
	LocalDir  string `xml:"LocalDir"`
}

type fzPass struct {
	Value    string `xml:",chardata"`
	Encoding string `xml:"encoding,attr"`
}

const (
	fzFTP         = "0" // AUTH TLS when offered
	fzSFTP        = "1"
	fzFTPS        = "3" // implicit
	fzFTPES       = "4" // explicit, required
	fzInsecureFTP = "6" // plain only

	fzAnonymous = "0"
	fzAsk       = "2"
	fzInteract  = "3"
)

func parseFileZilla(data []byte) (Found, error) {
	var doc struct {
		XMLName xml.Name
		Servers fzFolder `xml:"Servers"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return Found{}, fmt.Errorf("not a FileZilla site manager file: %v", err)
	}
	if doc.XMLName.Local != "FileZilla3" {
		return Found{}, fmt.Errorf("not a FileZilla site manager file: the root element is <%s>, not <FileZilla3>", doc.XMLName.Local)
	}
	found := Found{Format: "FileZilla"}
	var walk func(f fzFolder, prefix string)
	walk = func(f fzFolder, prefix string) {
		for _, s := range f.Servers {
			found.addFileZilla(s, prefix)
		}
		for _, sub := range f.Folders {
			name := strings.TrimSpace(sub.Text)
			walk(sub, prefix+name+"/")
		}
	}
	walk(doc.Servers, "")
	return found, nil
}

func (found *Found) note(format string, args ...any) {
	found.Notes = append(found.Notes, fmt.Sprintf(format, args...))
}

func (found *Found) addFileZilla(s fzServer, prefix string) {
	name := strings.TrimSpace(s.Name)
	if name == "" {
		name = strings.TrimSpace(s.Text)
	}
	if name == "" {
		name = strings.TrimSpace(s.Host)
	}
	name = prefix + name
	b := Bookmark{Name: name, Host: strings.Trim(strings.TrimSpace(s.Host), "[]"), User: s.User, LocalDir: s.LocalDir}
	switch strings.TrimSpace(s.Protocol) {
	case fzFTP, "":
		b.TLS = config.TLSAuto
	case fzFTPES:
		b.TLS = config.TLSExplicit
	case fzFTPS:
		b.TLS = config.TLSImplicit
	case fzInsecureFTP:
		b.TLS = config.TLSOff
	case fzSFTP:
		found.note("%q skipped: SFTP is not FTP (ferry speaks FTP and FTPS)", name)
		return
	default:
		found.note("%q skipped: FileZilla protocol %s is not FTP or FTPS", name, s.Protocol)
		return
	}
	if p := strings.TrimSpace(s.Port); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			found.note("%q skipped: port %q is not a number", name, p)
			return
		}
		if !(n == 21 && b.TLS != config.TLSImplicit || n == 990 && b.TLS == config.TLSImplicit) {
			b.Port = n
		}
	}
	b.Active = strings.TrimSpace(s.PasvMode) == "MODE_ACTIVE"
	if s.RemoteDir != "" {
		dir, err := fzPath(s.RemoteDir)
		if err != nil {
			found.note("%q: remote folder not imported: %v", name, err)
		}
		b.RemoteDir = dir
	}
	var password string
	switch strings.TrimSpace(s.Logontype) {
	case fzAnonymous:
		b.User = ""
	case fzAsk, fzInteract:
		// FileZilla asks each time: no password to take.
	default:
		pw, err := fzPassword(s.Pass)
		if err != nil {
			found.note("%q: password not imported: %v", name, err)
		}
		password = pw
	}
	if err := b.Validate(); err != nil {
		found.note("skipped: %v", err)
		return
	}
	found.Bookmarks = append(found.Bookmarks, Imported{Bookmark: b, Password: password})
}

// fzPassword decodes a <Pass>: base64 in FileZilla 3.26 and later,
// plain text before; "crypt" means protected by FileZilla's master
// password, which ferry does not ask for.
func fzPassword(p fzPass) (string, error) {
	switch p.Encoding {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(p.Value))
		if err != nil {
			return "", errors.New("it is not valid base64")
		}
		return string(b), nil
	case "":
		return p.Value, nil
	case "crypt":
		return "", errors.New("it is encrypted with FileZilla's master password")
	}
	return "", fmt.Errorf("unknown encoding %q", p.Encoding)
}

// fzPath reads FileZilla's "safe path": the server type, then the prefix
// and each segment as a length and the text ("1 0 3 pub 4 www" is
// /pub/www on a Unix server). Lengths count characters, so names with
// spaces survive.
func fzPath(safe string) (string, error) {
	r := []rune(safe)
	pos := 0
	next := func() (int, error) {
		start := pos
		for pos < len(r) && r[pos] >= '0' && r[pos] <= '9' {
			pos++
		}
		if start == pos {
			return 0, fmt.Errorf("%q is not a FileZilla path", safe)
		}
		n, err := strconv.Atoi(string(r[start:pos]))
		if pos < len(r) && r[pos] == ' ' {
			pos++
		}
		return n, err
	}
	text := func(n int) (string, error) {
		if n < 0 || pos+n > len(r) {
			return "", fmt.Errorf("%q is not a FileZilla path", safe)
		}
		s := string(r[pos : pos+n])
		pos += n
		if pos < len(r) && r[pos] == ' ' {
			pos++
		}
		return s, nil
	}
	kind, err := next()
	if err != nil {
		return "", err
	}
	if kind > 1 {
		return "", fmt.Errorf("server type %d (not Unix-like) is not supported", kind)
	}
	n, err := next()
	if err != nil {
		return "", err
	}
	if _, err := text(n); err != nil { // the prefix: empty on Unix
		return "", err
	}
	var segs []string
	for pos < len(r) {
		n, err := next()
		if err != nil {
			return "", err
		}
		s, err := text(n)
		if err != nil {
			return "", err
		}
		segs = append(segs, s)
	}
	return "/" + strings.Join(segs, "/"), nil
}

// parseLftp reads lftp's bookmarks file: "name<TAB>URL" lines, the URL
// possibly holding a password (bmk:save-passwords). A URL path is
// relative to the login directory, "/%2F" starts an absolute one and
// "/~/" a home-relative one, as in lftp and ferry's own URLs.
func parseLftp(data []byte) (Found, error) {
	found := Found{Format: "lftp"}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, raw, ok := strings.Cut(text, "\t")
		if !ok {
			if line == 1 {
				return found, errors.New("neither a FileZilla sitemanager.xml nor an lftp bookmarks file (name, a tab, URL)")
			}
			found.note("line %d skipped: no tab between name and URL", line)
			continue
		}
		found.addLftp(strings.TrimSpace(name), strings.TrimSpace(raw), line)
	}
	if err := sc.Err(); err != nil {
		return found, err
	}
	return found, nil
}

func (found *Found) addLftp(name, raw string, line int) {
	if !strings.Contains(raw, "://") {
		raw = "ftp://" + raw // lftp takes a bare host name
	}
	u, err := url.Parse(raw)
	if err != nil {
		found.note("%q (line %d) skipped: %v", name, line, err)
		return
	}
	b := Bookmark{Name: name, Host: u.Hostname()}
	switch u.Scheme {
	case "ftp":
		b.TLS = config.TLSAuto
	case "ftps":
		b.TLS = config.TLSImplicit
	default:
		found.note("%q (line %d) skipped: %s:// is not FTP or FTPS", name, line, u.Scheme)
		return
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			found.note("%q (line %d) skipped: bad port %q", name, line, p)
			return
		}
		if !(n == 21 && b.TLS != config.TLSImplicit || n == 990 && b.TLS == config.TLSImplicit) {
			b.Port = n
		}
	}
	var password string
	if u.User != nil {
		b.User = u.User.Username()
		password, _ = u.User.Password()
	}
	if dir, err := lftpPath(u); err != nil {
		found.note("%q (line %d): remote folder not imported: %v", name, line, err)
	} else {
		b.RemoteDir = dir
	}
	if err := b.Validate(); err != nil {
		found.note("line %d skipped: %v", line, err)
		return
	}
	found.Bookmarks = append(found.Bookmarks, Imported{Bookmark: b, Password: password})
}

// lftpPath turns a URL's path into a remote_dir: "/%2Fsrv/www" is
// "/srv/www", "/~/www" and "/www" are "www" under the login directory.
func lftpPath(u *url.URL) (string, error) {
	p := u.EscapedPath()
	if p == "" || p == "/" || p == "/~" || p == "/~/" {
		return "", nil
	}
	abs := false
	switch {
	case len(p) >= 4 && strings.EqualFold(p[:4], "/%2F"):
		abs, p = true, p[4:]
	case strings.HasPrefix(p, "/~/"):
		p = p[3:]
	default:
		p = p[1:]
	}
	s, err := url.PathUnescape(p)
	if err != nil {
		return "", err
	}
	s = strings.TrimSuffix(s, "/")
	if abs {
		return path.Clean("/" + s), nil
	}
	return s, nil
}

// ImportResult says what Import did (or, dry, would do) with each entry.
type ImportResult struct {
	Added []Bookmark // added (or to be added)
	Kept  []string   // names already in use: the existing bookmark is kept
	Notes []string   // passwords dropped, and why
}

// Import adds the found bookmarks that do not clash with existing names
// (nor with each other), putting each password where storage says: the
// keyring by default, the file only when asked, or nowhere. A password
// the keyring cannot take is dropped with a note, never written to the
// file instead. With dryRun nothing is written, the keyring included.
func (f *File) Import(found []Imported, storage Storage, dryRun bool) (ImportResult, error) {
	var res ImportResult
	taken := map[string]bool{}
	for _, b := range f.All() {
		taken[b.Name] = true
	}
	for _, im := range found {
		b := im.Bookmark
		if taken[b.Name] {
			res.Kept = append(res.Kept, b.Name)
			continue
		}
		taken[b.Name] = true
		if im.Password != "" {
			switch {
			case storage == DontSave:
				res.Notes = append(res.Notes, fmt.Sprintf("%q: password not imported (--passwords drop)", b.Name))
			case dryRun && storage == SaveKeyring:
				b.Keyring = b.Account()
			case dryRun:
				b.Password = im.Password
			default:
				saved, err := f.PreparePassword(b, im.Password, storage)
				if err != nil {
					res.Notes = append(res.Notes, fmt.Sprintf("%q: password dropped: %v", b.Name, err))
				} else {
					b = saved
				}
			}
		}
		res.Added = append(res.Added, b)
	}
	if dryRun || len(res.Added) == 0 {
		return res, nil
	}
	err := f.update(func(list []Bookmark) ([]Bookmark, error) {
		for _, b := range res.Added {
			if index(list, b.Name) >= 0 {
				return nil, fmt.Errorf("%q: %w", b.Name, ErrExists)
			}
			list = append(list, b)
		}
		return list, nil
	})
	return res, err
}
