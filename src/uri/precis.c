/*
 * PRECIS (RFC 8264) for xmpp addresses: the UsernameCaseMapped profile
 * (RFC 8265 section 3.3) that RFC 7622 applies to localparts, and the
 * FreeformClass check for resourceparts.
 *
 * The derived properties are computed from the Unicode character database
 * of libunistring instead of a table of our own, following the order of
 * RFC 8264 section 8. Two deliberate simplifications, both towards "no":
 * CONTEXTJ (zero-width joiners) and CONTEXTO (middle dot, Greek keraia,
 * Hebrew punctuation, Katakana middle dot, Arabic-Indic digits) code
 * points are rejected outright instead of being checked in context, so a
 * few exotic but legal localparts are refused.
 *
 * Width mapping (RFC 8264 section 5.2.1): code points
 * whose decomposition is tagged <wide> or <narrow> become that
 * decomposition, so FULLWIDTH LATIN SMALL LETTER A is "a". Only those two
 * tags are used: a full NFKC would also fold ligatures, superscripts and
 * circled letters, which the profile leaves to the IdentifierClass check
 * (they have compatibility decompositions and are therefore disallowed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "model/alloc.h"
#include "uri/uri_int.h"

enum precis_prop {
	PRECIS_PVALID,
	PRECIS_CONTEXTJ,
	PRECIS_CONTEXTO,
	PRECIS_DISALLOWED,
	PRECIS_UNASSIGNED,
	PRECIS_ID_DIS, /* valid in FreeformClass only */
};

/* RFC 5892 section 2.6, as RFC 8264 section 9.6 reuses it. */
static bool exception(ucs4_t uc, enum precis_prop *p)
{
	switch (uc) {
	case 0x00DF:
	case 0x03C2:
	case 0x06FD:
	case 0x06FE:
	case 0x0F0B:
	case 0x3007:
		*p = PRECIS_PVALID;
		return true;
	case 0x00B7:
	case 0x0375:
	case 0x05F3:
	case 0x05F4:
	case 0x30FB:
		*p = PRECIS_CONTEXTO;
		return true;
	case 0x0640:
	case 0x07FA:
	case 0x302E:
	case 0x302F:
	case 0x303B:
		*p = PRECIS_DISALLOWED;
		return true;
	default:
		break;
	}
	if ((uc >= 0x0660 && uc <= 0x0669) || (uc >= 0x06F0 && uc <= 0x06F9)) {
		*p = PRECIS_CONTEXTO;
		return true;
	}
	if (uc >= 0x3031 && uc <= 0x3035) {
		*p = PRECIS_DISALLOWED;
		return true;
	}
	return false;
}

/* HasCompat (RFC 8264 section 9.17): toNFKC(cp) != cp. */
static bool has_compat(ucs4_t uc)
{
	ucs4_t buf[32];
	size_t n = sizeof(buf) / sizeof(buf[0]);
	ucs4_t *r = u32_normalize(UNINORM_NFKC, &uc, 1, buf, &n);
	bool compat;

	if (!r)
		return true; /* cannot tell: the safe answer */
	compat = n != 1 || r[0] != uc;
	if (r != buf)
		free(r);
	return compat;
}

/* Noncharacter_Code_Point: U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF. */
static bool noncharacter(ucs4_t uc)
{
	return (uc >= 0xFDD0 && uc <= 0xFDEF) || (uc & 0xFFFE) == 0xFFFE;
}

static bool old_hangul_jamo(ucs4_t uc)
{
	return (uc >= 0x1100 && uc <= 0x11FF) ||
	       (uc >= 0xA960 && uc <= 0xA97F) || (uc >= 0xD7B0 && uc <= 0xD7FF);
}

/* The derived property of RFC 8264 section 8, for both string classes. */
static enum precis_prop derived(ucs4_t uc)
{
	enum precis_prop p;

	if (exception(uc, &p))
		return p;
	if (uc_is_general_category(uc, UC_CATEGORY_Cn) && !noncharacter(uc))
		return PRECIS_UNASSIGNED;
	if (uc >= 0x21 && uc <= 0x7E)
		return PRECIS_PVALID;
	if (uc_is_property_join_control(uc))
		return PRECIS_CONTEXTJ;
	if (old_hangul_jamo(uc))
		return PRECIS_DISALLOWED;
	if (uc_is_property_default_ignorable_code_point(uc) || noncharacter(uc))
		return PRECIS_DISALLOWED;
	if (uc_is_general_category(uc, UC_CATEGORY_Cc))
		return PRECIS_DISALLOWED;
	if (has_compat(uc))
		return PRECIS_ID_DIS;
	if (uc_is_general_category(
		uc,
		uc_general_category_or(
		    uc_general_category_or(UC_CATEGORY_Ll, UC_CATEGORY_Lu),
		    uc_general_category_or(
			uc_general_category_or(UC_CATEGORY_Lo, UC_CATEGORY_Nd),
			uc_general_category_or(
			    UC_CATEGORY_Lm,
			    uc_general_category_or(UC_CATEGORY_Mn,
						   UC_CATEGORY_Mc))))))
		return PRECIS_PVALID;
	/* OtherLetterDigits, Spaces, Symbols, Punctuation: FreeformClass
	 * only. Anything else left (Cs, Co, Zl, Zp, Cf...) is disallowed. */
	if (uc_is_general_category(
		uc,
		uc_general_category_or(
		    uc_general_category_or(UC_CATEGORY_Lt, UC_CATEGORY_Nl),
		    uc_general_category_or(
			uc_general_category_or(UC_CATEGORY_No, UC_CATEGORY_Me),
			uc_general_category_or(
			    UC_CATEGORY_Zs,
			    uc_general_category_or(UC_CATEGORY_S,
						   UC_CATEGORY_P))))))
		return PRECIS_ID_DIS;
	return PRECIS_DISALLOWED;
}

static bool utf8_all(const uint8_t *s, size_t n, bool freeform)
{
	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next(s + i, n - i, &uc);
		enum precis_prop p;

		if (!m)
			return false;
		p = derived(uc);
		if (p != PRECIS_PVALID && !(freeform && p == PRECIS_ID_DIS))
			return false;
		i += m;
	}
	return true;
}

/* RFC 5893 section 2, applied when the string holds right-to-left
 * characters (R, AL) or Arabic digits (AN). */
static bool bidi_rule(const uint8_t *s, size_t n)
{
	int first = -1, last_strong = -1;
	bool rtl = false, en = false, an = false;

	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next(s + i, n - i, &uc);
		int b = uc_bidi_category(uc);

		if (b == UC_BIDI_R || b == UC_BIDI_AL || b == UC_BIDI_AN)
			rtl = true;
		i += m;
	}
	if (!rtl)
		return true;
	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next(s + i, n - i, &uc);
		int b = uc_bidi_category(uc);

		if (first < 0) {
			first = b;
			/* Rule 1. */
			if (b != UC_BIDI_L && b != UC_BIDI_R && b != UC_BIDI_AL)
				return false;
		}
		if (first == UC_BIDI_L) {
			/* Rule 5. */
			if (b != UC_BIDI_L && b != UC_BIDI_EN &&
			    b != UC_BIDI_ES && b != UC_BIDI_CS &&
			    b != UC_BIDI_ET && b != UC_BIDI_ON &&
			    b != UC_BIDI_BN && b != UC_BIDI_NSM)
				return false;
		} else {
			/* Rule 2. */
			if (b != UC_BIDI_R && b != UC_BIDI_AL &&
			    b != UC_BIDI_AN && b != UC_BIDI_EN &&
			    b != UC_BIDI_ES && b != UC_BIDI_CS &&
			    b != UC_BIDI_ET && b != UC_BIDI_ON &&
			    b != UC_BIDI_BN && b != UC_BIDI_NSM)
				return false;
		}
		en = en || b == UC_BIDI_EN;
		an = an || b == UC_BIDI_AN;
		if (b != UC_BIDI_NSM)
			last_strong = b;
		i += m;
	}
	if (first == UC_BIDI_L)
		/* Rule 6. */
		return last_strong == UC_BIDI_L || last_strong == UC_BIDI_EN;
	/* Rules 3 and 4. */
	if (last_strong != UC_BIDI_R && last_strong != UC_BIDI_AL &&
	    last_strong != UC_BIDI_EN && last_strong != UC_BIDI_AN)
		return false;
	return !(en && an);
}

/* Width mapping into a new malloc'd buffer. */
static uint8_t *width_map(const uint8_t *s, size_t n, size_t *outlen,
			  bool *mapped)
{
	/* A <wide>/<narrow> decomposition is one code point, at most 4
	 * bytes; the input code point is at least 1 byte. */
	uint8_t *d = ci_malloc(n * 4 + 1);
	size_t k = 0;

	if (!d)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t uc;
		size_t m = text_utf8_next(s + i, n - i, &uc);
		ucs4_t dec[UC_DECOMPOSITION_MAX_LENGTH];
		int tag;
		int len = uc_decomposition(uc, &tag, dec);

		if (len == 1 &&
		    (tag == UC_DECOMP_WIDE || tag == UC_DECOMP_NARROW)) {
			uc = dec[0];
			*mapped = true;
		}
		k += (size_t)u8_uctomb(d + k, uc, 4);
		i += m;
	}
	*outlen = k;
	return d;
}

int confinfo_uri_precis_username(struct confinfo_bytes *out, const char *s,
				 size_t len, bool *width_mapped)
{
	uint8_t *w = NULL, *lower = NULL, *nfc = NULL;
	size_t wlen = 0, llen = 0, nlen = 0;
	bool mapped = false;
	int err = EBADMSG;

	if (!out || (!s && len))
		return EINVAL;
	if (!len || u8_check((const uint8_t *)s, len))
		return EBADMSG;
	/* Preparation (RFC 8265 section 3.3.2): width map, then every code
	 * point must be in the IdentifierClass before case mapping, so
	 * that e.g. OHM SIGN cannot sneak in as a Greek omega. */
	w = width_map((const uint8_t *)s, len, &wlen, &mapped);
	if (!w)
		return ENOMEM;
	if (!utf8_all(w, wlen, false))
		goto out;
	/* Enforcement: lower case, NFC, check again, Bidi Rule. */
	lower = u8_tolower(w, wlen, NULL, NULL, NULL, &llen);
	if (!lower) {
		err = ENOMEM;
		goto out;
	}
	nfc = u8_normalize(UNINORM_NFC, lower, llen, NULL, &nlen);
	if (!nfc) {
		err = ENOMEM;
		goto out;
	}
	if (!nlen || !utf8_all(nfc, nlen, false) || !bidi_rule(nfc, nlen))
		goto out;
	out->ptr = ci_strndup((const char *)nfc, nlen);
	if (!out->ptr) {
		err = ENOMEM;
		goto out;
	}
	out->len = nlen;
	if (width_mapped)
		*width_mapped = mapped;
	err = 0;
out:
	ci_free(w);
	free(lower); /* allocated by libunistring */
	free(nfc);
	return err;
}

int uri_precis_opaque_check(const char *s, size_t len)
{
	if (u8_check((const uint8_t *)s, len))
		return EBADMSG;
	for (size_t i = 0; i < len;) {
		uint32_t uc;
		size_t m = text_utf8_next((const uint8_t *)s + i, len - i, &uc);

		/* FreeformClass; ASCII space is what OpaqueString maps the
		 * other spaces to, so it is valid as such. */
		if (uc != ' ' && derived(uc) != PRECIS_PVALID &&
		    derived(uc) != PRECIS_ID_DIS)
			return EBADMSG;
		i += m;
	}
	return 0;
}
