#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confinfo/xml.h"
#include "testutil.h"

unsigned tu_each_vector(const char *sub, void (*fn)(const char *path))
{
	char dir[4096], path[4096 + 256];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", VECTORS_DIR, sub);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fn(path);
		n++;
	}
	closedir(d);
	return n;
}

char *tu_read_vector(const char *path, size_t *lenp)
{
	char full[4096];
	FILE *f;
	char *buf;
	long n;

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", VECTORS_DIR, path);
	f = fopen(full, "rb");
	if (!f)
		fail_msg("cannot open %s", full);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (lenp)
		*lenp = (size_t)n;
	return buf;
}

struct confinfo_conf *tu_decode_str(const char *xml)
{
	struct confinfo_diag diag = {0};
	struct confinfo_conf *conf = NULL;
	int err = confinfo_xml_decode(&conf, xml, strlen(xml), NULL, &diag);

	if (err)
		fail_msg("decode failed: %u:%u: %s", diag.line, diag.column,
			 diag.message);
	return conf;
}

struct confinfo_conf *tu_decode_vector(const char *path)
{
	char *buf = tu_read_vector(path, NULL);
	struct confinfo_conf *conf = tu_decode_str(buf);

	free(buf);
	return conf;
}

char *tu_encode(const struct confinfo_conf *conf)
{
	char *out = NULL;
	size_t len;

	assert_int_equal(confinfo_xml_encode(&out, &len, conf), 0);
	assert_non_null(out);
	return out;
}
