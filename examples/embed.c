/*
 * The smallest program that embeds libconfinfo: apply notifications to a
 * state and print the roster. Built against the installed library by CI
 * (pkg-config confinfo) to check that the install is usable.
 *
 *   cc embed.c $(pkg-config --cflags --libs confinfo) -o embed
 *   ./embed full.xml partial.xml...
 */
#include <stdio.h>

#include <confinfo/confinfo.h>

int main(int argc, char **argv)
{
	struct confinfo_conf *state = NULL;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct confinfo_diag diag = {0};
		struct confinfo_conf *doc = NULL;
		enum confinfo_merge_result res;

		if (confinfo_xml_decode_file(&doc, argv[i], NULL, &diag)) {
			fprintf(stderr, "%s:%u:%u: %s\n", argv[i], diag.line,
				diag.column, diag.message);
			status = 1;
			break;
		}
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
