/*
 * The smallest program that embeds libconfinfo: apply notifications to a
 * state and print the roster. Built against the installed library by CI
 * (pkg-config confinfo) to check that the install is usable.
 *
 *   cc embed.c $(pkg-config --cflags --libs confinfo) -o embed
 *   ./embed full.xml partial.xml...
 */
#include <stdio.h>
#include <stdlib.h>

#include <confinfo/confinfo.h>

static char *slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*lenp = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct confinfo_conf *state = NULL;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct confinfo_diag diag = {0};
		struct confinfo_conf *doc = NULL;
		enum confinfo_merge_result res;
		size_t len = 0;
		char *buf = slurp(argv[i], &len);

		if (!buf || confinfo_xml_decode(&doc, buf, len, NULL, &diag)) {
			fprintf(stderr, "%s:%u:%u: %s\n", argv[i], diag.line,
				diag.column, buf ? diag.message : "unreadable");
			free(buf);
			status = 1;
			break;
		}
		free(buf);
		if (confinfo_merge(&state, doc, &res, &diag) ||
		    res != CONFINFO_MERGE_APPLIED) {
			fprintf(stderr, "%s: not applied: %s\n", argv[i],
				diag.message);
			status = 1;
			break;
		}
	}
	if (state && state->users) {
		printf("%s version %u (libconfinfo %s)\n", state->entity,
		       state->version.value, confinfo_version());
		for (size_t i = 0; i < state->users->users.count; i++) {
			const struct confinfo_user *u =
			    state->users->users.items[i];

			printf("  %s\n", u->entity);
		}
	}
	confinfo_conf_free(state);
	return status;
}
