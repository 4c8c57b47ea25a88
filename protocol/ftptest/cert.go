package ftptest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"time"
)

// serverName is the DNS name in the test certificate's SAN.
const serverName = "localhost"

// testCert is the one self-signed certificate that every server of this
// process presents. It is its own CA, so a pool holding it verifies it.
type testCert struct {
	certPEM     []byte
	keyPEM      []byte
	pool        *x509.CertPool
	fingerprint [32]byte
	err         error
}

var (
	certOnce sync.Once
	certVal  testCert
)

func getCert() *testCert {
	certOnce.Do(func() { certVal = makeCert() })
	return &certVal
}

// makeCert generates an RSA 2048 key, which every server here accepts
// (vsftpd's option is even named rsa_cert_file), and a certificate valid for
// localhost, 127.0.0.1 and ProxyHost (where delay proxies listen).
func makeCert() testCert {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return testCert{err: err}
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return testCert{err: err}
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: serverName, Organization: []string{"ferry ftptest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{serverName},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.ParseIP(ProxyHost)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return testCert{err: err}
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return testCert{err: err}
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return testCert{
		certPEM:     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:      pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		pool:        pool,
		fingerprint: sha256.Sum256(der),
	}
}
