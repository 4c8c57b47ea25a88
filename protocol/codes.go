package protocol

// Reply codes the engine acts on (RFC 959 section 4.2, RFC 2228, RFC 2428,
// RFC 3659). Servers send many others; they are carried through unchanged.
const (
	CodeRestartMarker        = 110
	CodeServiceReadySoon     = 120
	CodeTransferStarting     = 125
	CodeFileStatusOK         = 150
	CodeOK                   = 200
	CodeNotImplementedOK     = 202 // "superfluous" command, e.g. ACCT
	CodeSystemStatus         = 211
	CodeDirectoryStatus      = 212
	CodeFileStatus           = 213
	CodeServiceReady         = 220
	CodeClosingControl       = 221
	CodeDataOpenNoTransfer   = 225
	CodeClosingData          = 226
	CodePassive              = 227
	CodeExtendedPassive      = 229
	CodeLoggedIn             = 230
	CodeAuthOK               = 234
	CodeFileActionOK         = 250
	CodePathCreated          = 257
	CodeNeedPassword         = 331
	CodeNeedAccount          = 332
	CodePendingFurtherInfo   = 350
	CodeServiceNotAvailable  = 421
	CodeCannotOpenData       = 425
	CodeTransferAborted      = 426
	CodeFileUnavailableTemp  = 450
	CodeLocalError           = 451
	CodeSyntaxError          = 500
	CodeArgumentSyntaxError  = 501
	CodeNotImplemented       = 502
	CodeBadSequence          = 503
	CodeParamNotImplemented  = 504
	CodeNotLoggedIn          = 530
	CodeProtectionDenied     = 534
	CodeFileUnavailable      = 550
	CodeExtendedPortUnknown  = 522
	CodeRequestedActionAbort = 552
)

// A reply's first digit is its class (RFC 959 section 4.2.1).
const (
	ClassPreliminary  = 1 // positive preliminary: another reply follows
	ClassCompletion   = 2 // positive completion
	ClassIntermediate = 3 // positive intermediate: send the next command
	ClassTransient    = 4 // transient negative: the same command may work later
	ClassPermanent    = 5 // permanent negative
)

// codeClass returns the first digit of a reply code.
func codeClass(code int) int { return code / 100 }

// codeMatches reports whether code satisfies expect, which is either a
// class (1-5) or a full three-digit code, as in net/textproto.
func codeMatches(code, expect int) bool {
	if expect < 10 {
		return codeClass(code) == expect
	}
	return code == expect
}
