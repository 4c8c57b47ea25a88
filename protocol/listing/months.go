package listing

// Month names as LIST shows them in other languages: ls prints the
// locale's abbreviated month (%b), and some servers write the full name.
// A trailing '.' or ',' is removed before the lookup, ASCII letters are
// compared without case, and accented forms are listed both in UTF-8 and
// in Latin-1 bytes, since an older server sends its locale's bytes.

// parseMonthAny maps a month token in English or one of the languages
// below to 1-12, or 0. It tries the English abbreviations first, so the
// common case costs what parseMonth does.
func parseMonthAny(s string) int {
	if n := len(s); n > 3 && (s[n-1] == '.' || s[n-1] == ',') {
		s = s[:n-1]
	}
	if len(s) == 3 {
		if m := parseMonth(s); m != 0 {
			return m
		}
	}
	if len(s) < 3 || len(s) > 12 {
		return 0
	}
	var buf [12]byte
	for i := 0; i < len(s); i++ {
		buf[i] = lower(s[i])
	}
	return foreignMonth(string(buf[:len(s)]))
}

// foreignMonth looks up a lower-cased month name. The languages: German,
// French, Spanish, Italian, Portuguese, Dutch, Swedish, Polish,
// Hungarian, Russian, and English full names.
func foreignMonth(w string) int {
	switch w {
	case "january", "januar", "jän", "j\xe4n", "janv", "janvier", "ene", "enero", "gen", "gennaio",
		"januari", "sty", "stycz", "styczeń", "янв", "января", "январь":
		return 1
	case "february", "februar", "févr", "f\xe9vr", "fevr", "février", "f\xe9vrier", "fév", "f\xe9v", "fev",
		"febrero", "febbraio", "februari", "febr", "lut", "luty", "фев", "февраля", "февраль":
		return 2
	case "march", "märz", "m\xe4rz", "mär", "m\xe4r", "mrz", "mars", "marzo", "mrt", "maart", "márc", "m\xe1rc",
		"marc", "março", "мар", "марта", "март":
		return 3
	case "april", "avr", "avril", "abr", "abril", "aprile", "kwi", "kwiec", "ápr", "\xe1pr", "апр", "апреля", "апрель":
		return 4
	case "mai", "mayo", "mag", "maggio", "mei", "maj", "máj", "m\xe1j", "май", "мая":
		return 5
	case "june", "juni", "juin", "junio", "giu", "giugno", "cze", "czerw", "jún", "j\xfan", "июн", "июня", "июнь":
		return 6
	case "july", "juli", "juil", "juillet", "julio", "lug", "luglio", "lip", "lipiec", "júl", "j\xfal", "июл", "июля", "июль":
		return 7
	case "august", "août", "ao\xfbt", "aout", "ago", "agosto", "augustus", "sie", "sierp", "авг", "августа", "август":
		return 8
	case "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro", "wrz", "wrzes",
		"szept", "сен", "сент", "сентября", "сентябрь":
		return 9
	case "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro", "paź", "pa\xbc",
		"paz", "окт", "октября", "октябрь":
		return 10
	case "november", "noviembre", "novembre", "novembro", "lis", "listop", "ноя", "нояб", "ноября", "ноябрь":
		return 11
	case "december", "dez", "dezember", "déc", "d\xe9c", "dec", "décembre", "d\xe9cembre", "dic", "diciembre",
		"dicembre", "dezembro", "gru", "grudz", "дек", "декабря", "декабрь":
		return 12
	}
	return 0
}

// CJK dates write a number followed by the character for year, month or
// day: 年月日 in Chinese and Japanese, 년월일 in Korean (and 年月日 in
// Korean hanja). cjkSuffix knows each in UTF-8 and in the legacy charsets
// whose servers send them: Shift-JIS, EUC-JP, GBK, Big5, EUC-KR.
func cjkSuffix(s string) byte {
	switch s {
	case "年", "년", "\x94\x4e", "\xc7\xaf", "\xc4\xea", "\xa6\x7e", "\xb3\xe2", "\xd2\xb4":
		return 'y'
	case "月", "월", "\x8c\x8e", "\xb7\xee", "\xd4\xc2", "\xa4\xeb", "\xbf\xf9", "\xea\xc5":
		return 'm'
	case "日", "일", "\x93\xfa", "\xc6\xfc", "\xc8\xd5", "\xa4\xe9", "\xc0\xcf", "\xec\xed":
		return 'd'
	}
	return 0
}

// cjkNumber parses digits followed by the suffix for unit ('y', 'm' or
// 'd'), such as "6月", with at most maxDigits digits.
func cjkNumber(s string, unit byte, maxDigits int) (int, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i > maxDigits || i == len(s) || s[i] < 0x80 || cjkSuffix(s[i:]) != unit {
		return 0, false
	}
	return smallInt(s[:i], maxDigits)
}
