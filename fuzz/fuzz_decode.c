/*
 * libFuzzer target: confinfo_xml_decode() on arbitrary bytes.
 *
 * Small limits, so that the fuzzer reaches every limit check quickly and
 * a run never spends its time on one huge document. When a document is
 * accepted the encoder must take the state, its output must decode back
 * to an equal state, and encoding that again must give the same bytes
 * (the encoder is a function of the model). Every input is also decoded
 * through the decoder's general path only (the test hook
 * dec_general_only), which must give the same answer as its short paths:
 * the same error and position, or an equal state. Any violation aborts,
 * which libFuzzer reports as a crash with the input saved.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The decoder's test hook (src/xml/decode_int.h; in the static library
 * only). */
extern bool dec_general_only;

static void die(const char *what, const struct confinfo_diag *diag)
{
	fprintf(stderr, "fuzz_decode: %s", what);
	if (diag && diag->err)
		fprintf(stderr, " (%u:%u: %s)", diag->line, diag->column,
			diag->message);
	fputc('\n', stderr);
	abort();
}

/* Decode again through the general path only: same failure, or an equal
 * state. */
static void general_path_agrees(const uint8_t *data, size_t size,
				const struct confinfo_xml_limits *lim, int err,
				const struct confinfo_diag *diag,
				const struct confinfo_conf *conf)
{
	struct confinfo_diag d2 = {0};
	struct confinfo_conf *c2 = NULL;
	int err2;

	dec_general_only = true;
	err2 = confinfo_xml_decode(&c2, (const char *)data, size, lim, &d2);
	dec_general_only = false;
	if (err2 != err || d2.line != diag->line || d2.column != diag->column ||
	    strcmp(d2.message, diag->message)) {
		fprintf(stderr, "general path: %d %u:%u %s\n", err2, d2.line,
			d2.column, d2.message);
		die("the short paths and the general path disagree", diag);
	}
	if (!err && !confinfo_conf_equal(conf, c2))
		die("the short paths and the general path decode differently",
		    NULL);
	confinfo_conf_free(c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct confinfo_xml_limits small = {
	    .max_body = 64 * 1024,
	    .max_depth = 16,
	    .max_users = 32,
	    .max_endpoints = 64,
	    .max_media = 128,
	    .max_entries = 128,
	    .max_string = 1024,
	    .max_ext = 4096,
	};
	struct confinfo_xml_limits big;
	struct confinfo_diag diag = {0};
	struct confinfo_conf *conf = NULL, *again = NULL;
	char *out = NULL, *out2 = NULL;
	size_t out_len = 0, out2_len = 0;
	int err;

	err =
	    confinfo_xml_decode(&conf, (const char *)data, size, &small, &diag);
	general_path_agrees(data, size, &small, err, &diag, conf);
	if (err) {
		/* A rejection must say why, and leave the out-parameter
		 * alone. */
		if (conf)
			die("decode failed but returned a state", NULL);
		if (diag.err != err || diag.message[0] == '\0')
			die("decode failed without a diagnostic", NULL);
		return 0;
	}
	if (!conf)
		die("decode succeeded without a state", NULL);

	memset(&diag, 0, sizeof(diag));
	err = confinfo_xml_encode(&out, &out_len, conf);
	if (err) {
		fprintf(stderr, "encode: %s\n", strerror(err));
		die("encode refused a decoded state", NULL);
	}
	if (strlen(out) != out_len)
		die("encode length does not match its output", NULL);

	/* The encoding may be longer than the input (explicit states,
	 * escaping, indentation, namespace declarations repeated in every
	 * foreign fragment): decode it with room to spare for sizes. Counts
	 * and depth keep their limits: they cannot grow. */
	big = small;
	big.max_body = out_len > small.max_body ? out_len : small.max_body;
	big.max_string = 8 * small.max_string;
	big.max_ext = 4 * small.max_ext + out_len;
	err = confinfo_xml_decode(&again, out, out_len, &big, &diag);
	if (err) {
		fprintf(stderr, "%s\n", out);
		die("the encoder's output does not decode", &diag);
	}
	if (!confinfo_conf_equal(conf, again)) {
		fprintf(stderr, "%s\n", out);
		die("decode(encode(x)) != x", NULL);
	}
	err = confinfo_xml_encode(&out2, &out2_len, again);
	if (err)
		die("encode refused a re-decoded state", NULL);
	if (out2_len != out_len || memcmp(out, out2, out_len) != 0) {
		fprintf(stderr, "first:\n%s\nsecond:\n%s\n", out, out2);
		die("encode(decode(encode(x))) != encode(x)", NULL);
	}

	free(out2);
	free(out);
	confinfo_conf_free(again);
	confinfo_conf_free(conf);
	return 0;
}
