// Command ftpserve runs one of the test servers outside the tests, for
// scripts/demo and scripts/bench. It prints shell assignments describing
// the server (FTP_ADDR, FTP_USER, FTP_PASSWORD, FTP_CA, FTP_FINGERPRINT,
// FTP_ROOT) followed by FTP_READY=1, and serves until SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"ferry/protocol/ftptest"
)

func main() {
	kind := flag.String("kind", "vsftpd", "vsftpd, proftpd, pure-ftpd or pyftpdlib")
	implicit := flag.Bool("implicit", false, "implicit FTPS")
	fill := flag.String("fill", "", `what to put on the server, comma-separated: "demo" (sample files), "big" (big/big.bin, 1 GiB), "small" (small/, 1000 files of 4 KiB in 10 folders), "hundred" (hundred/, 100 files of 4 KiB), "many" (many/, 100,000 empty files)`)
	huge := flag.Int("huge", 0, "instead of a real server, a scripted one (plain FTP, any login) whose folder /huge lists N files of 4 bytes")
	nested := flag.Bool("nested", false, "with -huge: /huge/sub is /huge again (listed as a folder without a unique fact), so the tree nests without end")
	rtt := flag.Duration("rtt", 0, "serve through a delay proxy on "+ftptest.ProxyHost+" with this round-trip time (FTP_ADDR is then the proxy's; FTP_DIRECT_ADDR the server's)")
	flag.Parse()

	if *huge > 0 {
		serveHuge(*huge, *nested)
		return
	}
	s, err := ftptest.New(ftptest.Kind(*kind), ftptest.Options{Implicit: *implicit})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ftpserve: %v\n", err)
		os.Exit(1)
	}
	defer s.Stop()
	for _, f := range strings.Split(*fill, ",") {
		var err error
		switch f {
		case "":
		case "demo":
			err = fillDemo(s)
		case "big":
			err = fillBig(s)
		case "small":
			err = fillSmall(s)
		case "hundred":
			err = fillHundred(s)
		case "many":
			err = fillMany(s)
		default:
			err = fmt.Errorf("unknown -fill %q", f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "ftpserve: %v\n", err)
			s.Stop()
			os.Exit(1)
		}
	}
	addr := s.Addr
	if *rtt > 0 {
		p, err := s.NewDelayProxy(*rtt / 2)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ftpserve: %v\n", err)
			s.Stop()
			os.Exit(1)
		}
		defer p.Close()
		addr = p.Addr
	}
	fmt.Printf("FTP_DIRECT_ADDR=%s\n", s.Addr)
	fmt.Printf("FTP_ADDR=%s\nFTP_USER=%s\nFTP_PASSWORD=%s\nFTP_CA=%s\nFTP_FINGERPRINT=%x\nFTP_ROOT=%s\nFTP_READY=1\n",
		addr, s.User, s.Password, s.CAFile, s.Fingerprint, s.Root)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

// fillDemo writes a small tree that shows what ferry handles: nested
// directories, spaces, UTF-8 names, a dot-file and a larger binary file.
func fillDemo(s *ftptest.Server) error {
	files := map[string]string{
		"README.txt":                  "Welcome to ferry's demo server.\nEverything here is sample data.\n",
		".hidden-config":              "shown with LIST -a\n",
		"docs/manual with spaces.txt": strings.Repeat("A page of the manual.\n", 200),
		"docs/ünïcödé-名前.txt":         "UTF-8 names survive the round trip.\n",
		"docs/archive/2025/notes.md":  "# Notes\n\n- old but kept\n",
		"src/main.go":                 "package main\n\nfunc main() {}\n",
	}
	for name, body := range files {
		if err := writeFile(s, name, []byte(body)); err != nil {
			return err
		}
	}
	blob := make([]byte, 8<<20)
	for i := range blob {
		blob[i] = byte(i * 7)
	}
	return writeFile(s, "media/big-blob.bin", blob)
}

func writeFile(s *ftptest.Server, name string, data []byte) error {
	path := s.Path(name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	// Hand the new directories and the file to the FTP user.
	for p := path; p != s.Root && len(p) > len(s.Root); p = filepath.Dir(p) {
		if err := s.Chown(p); err != nil {
			return err
		}
	}
	return nil
}

// fillBig writes big/big.bin: 1 GiB of pseudo-random bytes (which no
// layer can compress), for throughput figures.
func fillBig(s *ftptest.Server) error {
	if err := writeFile(s, "big/big.bin", nil); err != nil {
		return err
	}
	f, err := os.OpenFile(s.Path("big/big.bin"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{'f', 'e', 'r', 'r', 'y'})
	buf := make([]byte, 4<<20)
	for range (1 << 30) / len(buf) {
		rng.Read(buf)
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// fillSmall writes small/dNN/fNNNN: 1000 files of 4 KiB in 10 folders,
// for the per-file cost of a mirror.
func fillSmall(s *ftptest.Server) error {
	rng := rand.NewChaCha8([32]byte{'s', 'm', 'a', 'l', 'l'})
	data := make([]byte, 4<<10)
	for i := range 1000 {
		rng.Read(data)
		if err := writeFile(s, fmt.Sprintf("small/d%02d/f%04d.bin", i/100, i), data); err != nil {
			return err
		}
	}
	return nil
}

// fillHundred writes hundred/fNNN.bin: 100 files of 4 KiB in one folder,
// for the round trips each file costs over a slow link.
func fillHundred(s *ftptest.Server) error {
	rng := rand.NewChaCha8([32]byte{'h', 'u', 'n', 'd', 'r', 'e', 'd'})
	data := make([]byte, 4<<10)
	for i := range 100 {
		rng.Read(data)
		if err := writeFile(s, fmt.Sprintf("hundred/f%03d.bin", i), data); err != nil {
			return err
		}
	}
	return nil
}

// fillMany writes many/: 100,000 empty files in one folder, for the
// memory a huge listing takes.
func fillMany(s *ftptest.Server) error {
	if err := writeFile(s, "many/.keep", nil); err != nil {
		return err
	}
	for i := range 100_000 {
		f, err := os.Create(s.Path(fmt.Sprintf("many/file-%06d.dat", i)))
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// serveHuge runs a scripted server with one huge folder, for measuring
// the client's memory on listings and tree walks.
func serveHuge(n int, nested bool) {
	opts := ftptest.HostileOptions{
		Features: []string{"MLST type*;size*;modify*;", "SIZE", "MDTM"},
		Listings: map[string]func(io.Writer){"/huge": ftptest.HugeListing(n, 4)},
		AnyFile:  &ftptest.HostileFile{Data: []byte("data")},
	}
	if nested {
		opts.Listings["/huge"] = ftptest.HugeListing(n, 4, "sub")
		opts.Links = map[string]string{"/huge/sub": "/huge"}
	}
	h, err := ftptest.StartHostile(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ftpserve: %v\n", err)
		os.Exit(1)
	}
	defer h.Close()
	fmt.Printf("FTP_ADDR=%s\nFTP_USER=u\nFTP_PASSWORD=p\nFTP_READY=1\n", h.Addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
