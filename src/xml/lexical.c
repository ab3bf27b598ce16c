/*
 * Lexical checks of typed values, for the decoder and the encoder.
 *
 * The model keeps typed values as the strings a document held, but a
 * program may put anything there. Writing a value the schema's type
 * rejects would make the document invalid, so the encoder checks the few
 * types that are more than "a string" and that validators actually
 * enforce: NCName (foreign attribute names and prefixes), xs:dateTime,
 * and xs:language lists. The rules match libxml2's schema validator,
 * which tests/unit/test_encode.c runs against them. xs:anyURI is not
 * checked: validators accept nearly any string there.
 */
#include <stdbool.h>
#include <stdint.h>

#include "xml/buf.h" /* ci_utf8_xml_char() */
#include "xml/lexical.h"

/* XML 1.0 fifth edition, productions [4] and [4a], without ':' (an NCName
 * of Namespaces in XML). libxml2 applies these by default. */
static bool name_start_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
	       (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
	       (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
	       (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
	       (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
	       (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

static bool name_char(uint32_t c)
{
	return name_start_char(c) || c == '-' || c == '.' ||
	       (c >= '0' && c <= '9') || c == 0xB7 ||
	       (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

bool ci_xml_ncname_ok(const char *s)
{
	uint32_t c;
	size_t n;
	bool first = true;

	if (!s || !*s)
		return false;
	for (; *s; s += n, first = false) {
		n = ci_utf8_xml_char(s, &c);
		if (!n)
			return false;
		if (first ? !name_start_char(c) : !name_char(c))
			return false;
	}
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly two digits at *pp, as a number; advances. -1 if not. */
static int two_digits(const char **pp)
{
	const char *p = *pp;

	if (!is_digit(p[0]) || !is_digit(p[1]))
		return -1;
	*pp = p + 2;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int days_in_month(unsigned year_mod400, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};
	bool leap = (year_mod400 % 4 == 0 && year_mod400 % 100 != 0) ||
		    year_mod400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/*
 * xs:dateTime: '-'? yyyy '-' mm '-' dd 'T' hh ':' mm ':' ss ('.' s+)?
 * (Z | (+|-) hh ':' mm)?, no surrounding whitespace (libxml2 refuses it).
 * The year has four digits or more, no leading zero beyond four, and is
 * not 0000; the day must exist in that month (proleptic Gregorian leap
 * years); 24:00:00 is allowed for the end of a day; offsets are at most
 * 14:00.
 */
bool ci_xml_datetime_ok(const char *s)
{
	const char *p = s, *y;
	uint64_t year = 0; /* wraps beyond 19 digits, refused below */
	unsigned ymod;
	bool frac_zero = true;
	int mon, day, hh, mm, ss, tzh, tzm;

	if (*p == '-')
		p++;
	for (y = p; is_digit(*p); p++)
		year = year * 10 + (uint64_t)(*p - '0');
	/* More than 18 digits would overflow validators' year field. */
	if (p - y < 4 || p - y > 18 || (p - y > 4 && *y == '0') || !year)
		return false;
	ymod = (unsigned)(year % 400);
	if (*p++ != '-' || (mon = two_digits(&p)) < 1 || mon > 12)
		return false;
	if (*p++ != '-' || (day = two_digits(&p)) < 1 ||
	    day > days_in_month(ymod, mon))
		return false;
	if (*p++ != 'T' || (hh = two_digits(&p)) < 0 || hh > 24)
		return false;
	if (*p++ != ':' || (mm = two_digits(&p)) < 0 || mm > 59)
		return false;
	if (*p++ != ':' || (ss = two_digits(&p)) < 0 || ss > 59)
		return false;
	if (*p == '.') {
		if (!is_digit(*++p))
			return false;
		for (; is_digit(*p); p++)
			frac_zero &= *p == '0';
	}
	if (hh == 24 && (mm || ss || !frac_zero))
		return false;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		p++;
		if ((tzh = two_digits(&p)) < 0 || *p++ != ':' ||
		    (tzm = two_digits(&p)) < 0 || tzm > 59 ||
		    tzh * 60 + tzm > 14 * 60)
			return false;
	}
	return *p == '\0';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_list_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * A whitespace-separated list (possibly empty) of xs:language, whose
 * pattern is [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*.
 */
bool ci_xml_languages_ok(const char *s)
{
	const char *p = s;
	size_t n;

	for (;;) {
		while (is_list_space(*p))
			p++;
		if (!*p)
			return true;
		for (n = 0; is_alpha(*p); p++)
			n++;
		if (n < 1 || n > 8)
			return false;
		while (*p == '-') {
			for (p++, n = 0; is_alpha(*p) || is_digit(*p); p++)
				n++;
			if (n < 1 || n > 8)
				return false;
		}
		if (*p && !is_list_space(*p))
			return false;
	}
}
