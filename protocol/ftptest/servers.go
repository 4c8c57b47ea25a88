package ftptest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// spec is what differs between kinds of server.
type spec struct {
	tls       bool // offers TLS
	implicit  bool // can serve implicit FTPS
	needsRoot bool // must be started as root
	// check reports (as an unavailableError) what is not installed.
	check func() error
	// prepare sets up users and files; it runs once per Start.
	prepare func(s *Server) error
	// command writes the configuration for s.ports and s.Addr and returns
	// the command that runs the server in the foreground.
	command func(s *Server, o Options) (*exec.Cmd, error)
}

var specs = map[Kind]spec{
	VSFTPD: {
		tls: true, implicit: true, needsRoot: true,
		check:   checkVsftpd,
		prepare: prepareVsftpd,
		command: commandVsftpd,
	},
	ProFTPD: {
		tls: true, implicit: true, needsRoot: true,
		check:   checkProftpd,
		prepare: prepareProftpd,
		command: commandProftpd,
	},
	PureFTPD: {
		tls: true, needsRoot: true,
		check:   checkPureFTPD,
		prepare: preparePureFTPD,
		command: commandPureFTPD,
	},
	Pyftpdlib: {
		check:   checkPyftpdlib,
		prepare: func(*Server) error { return nil },
		command: commandPyftpdlib,
	},
}

// need reports the first of paths that does not exist.
func need(what string, paths ...string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return unavailable("%s: %s is missing", what, p)
		}
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// cryptHash returns a SHA-512 crypt(3) hash of password, as kept in
// passwd-style files that proftpd and pure-ftpd check with crypt(3).
func cryptHash(password string) (string, error) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		return "", unavailable("openssl is needed to hash the test password: %v", err)
	}
	cmd := exec.Command(openssl, "passwd", "-6", "-stdin")
	cmd.Stdin = strings.NewReader(password + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("openssl passwd: %v: %s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// --- vsftpd ------------------------------------------------------------------

// vsftpd authenticates through PAM only. The PAM service that
// scripts/install-servers made checks users against one passwd-style file
// (pam_pwdfile), shared by all tests on the machine: each Start adds its
// one-off user there, and Stop removes it. The user is a vsftpd "guest",
// mapped to the test account.

func vsftpdBinary() string {
	if p := filepath.Join(serversDir(), "vsftpd/usr/sbin/vsftpd"); fileExists(p) {
		return p
	}
	return "/usr/sbin/vsftpd"
}

// vsftpdUsers is the passwd file of the PAM service; its place is fixed,
// whatever FERRY_SERVERS says, since /etc/pam.d/ferry-test names it.
const vsftpdUsers = "/var/lib/ferry-ftptest/vsftpd.passwd"

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func checkVsftpd() error {
	return need("vsftpd", vsftpdBinary(), "/etc/pam.d/"+pamService, vsftpdUsers)
}

func prepareVsftpd(s *Server) error {
	hash, err := cryptHash(s.Password)
	if err != nil {
		return err
	}
	if err := editVsftpdUsers(s.User, hash); err != nil {
		return fmt.Errorf("registering the vsftpd user: %w", err)
	}
	s.cleanups = append(s.cleanups, func() { editVsftpdUsers(s.User, "") })
	s.addLog("vsftpd.log")
	// secure_chroot_dir: empty, and not writable by the unprivileged user.
	return os.Mkdir(s.file("empty"), 0o755)
}

// editVsftpdUsers adds user with hash to the shared passwd file, or removes
// it when hash is empty. It also drops users of test processes that have
// died (the user names hold the pid). Writers hold a flock on a lock file;
// readers (pam_pwdfile) see the old or the new file whole, since the new
// one is renamed into place.
func editVsftpdUsers(user, hash string) error {
	path := vsftpdUsers
	lock, err := os.OpenFile(path+".lock", os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var b strings.Builder
	for _, line := range strings.Split(string(old), "\n") {
		name, _, ok := strings.Cut(line, ":")
		if !ok || name == user || !ownerAlive(name) {
			continue
		}
		b.WriteString(line + "\n")
	}
	if hash != "" {
		b.WriteString(user + ":" + hash + "\n")
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ownerAlive reports whether the process whose pid is in a user name made
// by start ("ferry-PID-HEX") still runs; names of any other form are kept.
func ownerAlive(name string) bool {
	parts := strings.Split(name, "-")
	if len(parts) != 3 || parts[0] != "ferry" {
		return true
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return true
	}
	err = syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

func commandVsftpd(s *Server, o Options) (*exec.Cmd, error) {
	conf := []string{
		"listen=YES",
		"listen_ipv6=NO",
		"listen_address=127.0.0.1",
		"listen_port=" + strconv.Itoa(s.ports.control),
		"background=NO",
		"anonymous_enable=NO",
		"local_enable=YES",
		"guest_enable=YES",
		"guest_username=" + testAccount,
		"virtual_use_local_privs=YES",
		"pam_service_name=" + pamService,
		"local_root=" + s.Root,
		"chroot_local_user=YES",
		"allow_writeable_chroot=YES",
		"secure_chroot_dir=" + s.file("empty"),
		"write_enable=YES",
		"chmod_enable=YES",
		"local_umask=022",
		"file_open_mode=0666",
		"mdtm_write=YES",
		"ls_recurse_enable=YES",
		"delay_failed_login=0",
		"delay_successful_login=0",
		"max_clients=0",
		"max_per_ip=0",
		"pasv_enable=YES",
		"pasv_address=127.0.0.1",
		"pasv_min_port=" + strconv.Itoa(s.ports.pasvLow),
		"pasv_max_port=" + strconv.Itoa(s.ports.pasvHigh),
		"port_enable=YES",
		"connect_from_port_20=NO",
		"seccomp_sandbox=NO",
		"isolate=NO",
		"isolate_network=NO",
		"tcp_wrappers=NO",
		"syslog_enable=NO",
		"xferlog_enable=YES",
		"xferlog_std_format=NO",
		"log_ftp_protocol=YES",
		"vsftpd_log_file=" + s.file("vsftpd.log"),
		"ssl_enable=YES",
		"allow_anon_ssl=NO",
		"force_local_logins_ssl=NO",
		"force_local_data_ssl=NO",
		"require_ssl_reuse=YES",
		"require_cert=NO",
		"ssl_request_cert=NO",
		"ssl_sslv2=NO",
		"ssl_sslv3=NO",
		"ssl_tlsv1=YES",
		// vsftpd 3.0.3's default, DES-CBC3-SHA, is refused by OpenSSL 3.
		"ssl_ciphers=HIGH",
		"rsa_cert_file=" + s.CAFile,
		"rsa_private_key_file=" + s.file("key.pem"),
		"implicit_ssl=" + yesNo(o.Implicit),
		"async_abor_enable=" + yesNo(o.AsyncAbort),
		"pasv_promiscuous=" + yesNo(o.FXP),
		"port_promiscuous=" + yesNo(o.FXP),
	}
	path := s.file("vsftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	return exec.Command(vsftpdBinary(), path), nil
}

// --- proftpd -----------------------------------------------------------------

func proftpdDir() string { return filepath.Join(serversDir(), "proftpd") }

func checkProftpd() error {
	d := proftpdDir()
	return need("proftpd", filepath.Join(d, "usr/sbin/proftpd"), filepath.Join(d, "usr/lib/proftpd/mod_tls.so"))
}

// prepareProftpd makes a virtual user in an AuthUserFile, with the test
// account's uid and gid and Root as its home.
func prepareProftpd(s *Server) error {
	hash, err := cryptHash(s.Password)
	if err != nil {
		return err
	}
	passwd := fmt.Sprintf("%s:%s:%d:%d:ferry test user:%s:/usr/sbin/nologin\n", s.User, hash, s.uid, s.gid, s.Root)
	if err := os.WriteFile(s.file("passwd"), []byte(passwd), 0o600); err != nil {
		return err
	}
	s.addLog("proftpd.log")
	s.addLog("tls.log")
	s.addLog("xfer.log")
	group := fmt.Sprintf("%s:x:%d:%s\n", testAccount, s.gid, s.User)
	return os.WriteFile(s.file("group"), []byte(group), 0o600)
}

func commandProftpd(s *Server, o Options) (*exec.Cmd, error) {
	protocols := "TLSv1.2 TLSv1.3"
	if o.MaxTLS == 0x0303 { // tls.VersionTLS12
		protocols = "TLSv1.2"
	}
	tlsOptions := ""
	if o.Implicit {
		tlsOptions = "  TLSOptions UseImplicitSSL\n"
	}
	if o.FXP {
		// A server-to-server data connection cannot resume this client's
		// session, and the peer's certificate is as self-signed as ours.
		tlsOptions += "  TLSOptions NoSessionReuseRequired\n  TLSVerifyServer off\n"
	}
	q := strconv.Quote
	conf := `# ferry ftptest proftpd
ServerType standalone
ServerName "ferry ftptest"
ServerIdent on "ferry ftptest proftpd ready"
UseIPv6 off
DefaultAddress 127.0.0.1
SocketBindTight on
Port ` + strconv.Itoa(s.ports.control) + `
PassivePorts ` + strconv.Itoa(s.ports.pasvLow) + " " + strconv.Itoa(s.ports.pasvHigh) + `
MaxInstances 200
PidFile ` + q(s.file("proftpd.pid")) + `
ScoreboardFile ` + q(s.file("proftpd.scoreboard")) + `
SystemLog ` + q(s.file("proftpd.log")) + `
TransferLog ` + q(s.file("xfer.log")) + `
WtmpLog off
UseReverseDNS off
DelayEngine off
# Its default control socket, /run/proftpd.sock, would be shared by all.
ControlsEngine off
ControlsSocket ` + q(s.file("proftpd.sock")) + `
<IfModule mod_ident.c>
  IdentLookups off
</IfModule>
ModulePath ` + q(filepath.Join(proftpdDir(), "usr/lib/proftpd")) + `
LoadModule mod_tls.c
# mod_digest answers HASH (draft-bryan-ftpext-hash) and XSHA256, XSHA1,
# XMD5, XCRC, for the client's integrity checks.
LoadModule mod_digest.c
<IfModule mod_digest.c>
  DigestEngine on
</IfModule>
AuthOrder mod_auth_file.c
AuthUserFile ` + q(s.file("passwd")) + `
AuthGroupFile ` + q(s.file("group")) + `
RequireValidShell off
DefaultRoot ~
Umask 022 022
AllowOverwrite on
AllowForeignAddress ` + onOff(o.FXP) + `
AllowStoreRestart on
AllowRetrieveRestart on
<IfModule mod_tls.c>
  TLSEngine on
  TLSRequired off
  TLSProtocol ` + protocols + `
  TLSRSACertificateFile ` + q(s.CAFile) + `
  TLSRSACertificateKeyFile ` + q(s.file("key.pem")) + `
  TLSVerifyClient off
  TLSLog ` + q(s.file("tls.log")) + `
` + tlsOptions + `</IfModule>
`
	path := s.file("proftpd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	return exec.Command(filepath.Join(proftpdDir(), "usr/sbin/proftpd"), "--nodaemon", "--config", path), nil
}

// --- pure-ftpd ---------------------------------------------------------------

func pureDir() string { return filepath.Join(serversDir(), "pure-ftpd") }

func checkPureFTPD() error {
	d := pureDir()
	return need("pure-ftpd", filepath.Join(d, "usr/sbin/pure-ftpd"), filepath.Join(d, "usr/bin/pure-pw"))
}

// preparePureFTPD makes a PureDB virtual user with the test account's uid
// and gid, chrooted to Root, and the certificate file pure-ftpd wants: key
// and certificate in one PEM.
func preparePureFTPD(s *Server) error {
	// pure-pw would hash with argon2id at a cost that slows every login;
	// a SHA-512 crypt hash is checked at once.
	hash, err := cryptHash(s.Password)
	if err != nil {
		return err
	}
	// Fields: user, hash, uid, gid, gecos, home ("/./" marks the chroot),
	// then twelve limits left empty.
	line := fmt.Sprintf("%s:%s:%d:%d::%s/./%s\n", s.User, hash, s.uid, s.gid, s.Root, strings.Repeat(":", 12))
	if err := os.WriteFile(s.file("pureftpd.passwd"), []byte(line), 0o600); err != nil {
		return err
	}
	mkdb := exec.Command(filepath.Join(pureDir(), "usr/bin/pure-pw"), "mkdb", s.file("pureftpd.pdb"), "-f", s.file("pureftpd.passwd"))
	if out, err := mkdb.CombinedOutput(); err != nil {
		return fmt.Errorf("pure-pw mkdb: %v: %s", err, out)
	}
	s.addLog("xfer.log")
	cert := getCert()
	pem := append(append([]byte{}, cert.keyPEM...), cert.certPEM...)
	return os.WriteFile(s.file("pure-ftpd.pem"), pem, 0o600)
}

func commandPureFTPD(s *Server, o Options) (*exec.Cmd, error) {
	// pure-ftpd logs to syslog only, apart from the transfer log.
	return exec.Command(filepath.Join(pureDir(), "usr/sbin/pure-ftpd"),
		"--bind", "127.0.0.1,"+strconv.Itoa(s.ports.control),
		"--passiveportrange", fmt.Sprintf("%d:%d", s.ports.pasvLow, s.ports.pasvHigh),
		"--forcepassiveip", "127.0.0.1",
		"--login", "puredb:"+s.file("pureftpd.pdb"),
		"--chrooteveryone",
		"--noanonymous",
		"--dontresolve",
		"--minuid", "1",
		"--maxclientsnumber", "200",
		"--umask", "133:022",
		"--altlog", "clf:"+s.file("xfer.log"),
		"--pidfile", s.file("pure-ftpd.pid"), // not the shared /var/run/pure-ftpd.pid
		"--tls", "1",
		"--certfile", s.file("pure-ftpd.pem"),
	), nil
}

// --- pyftpdlib ---------------------------------------------------------------

const python = "/usr/bin/python3" // Debian's, which has python3-pyftpdlib

// pyftpdlibScript serves plain FTP for one user; its arguments are host,
// port, lowest and highest passive port, user and root, and the password
// comes in the environment.
const pyftpdlibScript = `
import logging, os, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

host, port, low, high, user, root = sys.argv[1:7]
logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                    format="%(asctime)s %(levelname)s %(message)s")
auth = DummyAuthorizer()
auth.add_user(user, os.environ.pop("FERRY_FTPTEST_PASSWORD"), root, perm="elradfmwMT")
handler = type("Handler", (FTPHandler,), {})
handler.authorizer = auth
handler.passive_ports = range(int(low), int(high) + 1)
handler.banner = "ferry ftptest pyftpdlib ready"
handler.auth_failed_timeout = 0.05
server = FTPServer((host, int(port)), handler)
server.max_cons = 200
server.serve_forever()
`

func checkPyftpdlib() error { return need("pyftpdlib", python) }

func commandPyftpdlib(s *Server, o Options) (*exec.Cmd, error) {
	cmd := exec.Command(python, "-c", pyftpdlibScript,
		s.host, strconv.Itoa(s.ports.control),
		strconv.Itoa(s.ports.pasvLow), strconv.Itoa(s.ports.pasvHigh),
		s.User, s.Root)
	cmd.Env = append(os.Environ(), "FERRY_FTPTEST_PASSWORD="+s.Password, "PYTHONDONTWRITEBYTECODE=1")
	cmd.Dir = s.Root
	if s.uid >= 0 {
		// Run as the test account, like the other servers' sessions.
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: uint32(s.uid), Gid: uint32(s.gid), Groups: []uint32{}},
		}
	}
	return cmd, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
