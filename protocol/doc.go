// Package protocol is ferry's FTP and FTPS client engine.
//
// A Conn is one control connection to one server: it logs in, sends
// commands, and opens data connections for transfers and listings. It
// speaks RFC 959 with the extensions of RFC 2389 (FEAT/OPTS), RFC 2428
// (EPSV/EPRT), RFC 3659 (SIZE/MDTM/REST/MLST/MLSD) and RFC 4217 (FTP over
// TLS), and it resumes the control connection's TLS session on every data
// connection, which strict servers (vsftpd with require_ssl_reuse, proftpd
// by default) demand.
//
// The engine treats the server as untrusted: every reply line and reply is
// bounded, every network wait has a deadline, no argument containing CR, LF
// or NUL is ever sent, and the address in a PASV reply is ignored unless the
// caller opts in.
//
// The package knows nothing of panes, queues or terminals; those sit above
// it and talk to it through Conn's methods.
package protocol
