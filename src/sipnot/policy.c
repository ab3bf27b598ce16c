/*
 * The view policy file (include/confinfo/policy.h): a line parser with
 * hard limits, checked before anything is allocated for a line (the
 * decisions are policy_decide.c's). Sections are kept sorted by name,
 * their subscriber and private lists sorted by normalised identity, so
 * that the notifier's per-subscriber decision is a few binary searches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confinfo/policy.h"
#include "confinfo/text.h"
#include "policy_int.h"
#include "sipnot.h"

static const char *const class_names[PC_COUNT] = {"chairs", "participants",
						  "authenticated", "anonymous"};

static void section_reset(struct psection *s)
{
	size_t i;

	free(s->name);
	for (i = 0; i < s->nsubs; i++)
		free(s->subs[i].id);
	free(s->subs);
	for (i = 0; i < s->npriv; i++)
		free(s->priv[i]);
	free(s->priv);
	for (i = 0; i < s->nroles; i++)
		free(s->roles[i]);
	free(s->roles);
	free(s->text);
}

void confinfo_view_policy_free(struct confinfo_view_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nsecs; i++)
		section_reset(&p->secs[i]);
	free(p->secs);
	free(p);
}

int confinfo_view_policy_identity(const char *uri, char **outp)
{
	char *s = NULL;
	int err;

	if (!uri || !outp)
		return EINVAL;
	err = sipnot_uri_normalise(uri, &s);
	if (err)
		return err;
	if (!strncmp(s, "sips:", 5))
		memmove(s + 3, s + 4, strlen(s + 4) + 1);
	*outp = s;
	return 0;
}

/* One parsing position: the line and its words. */
struct pline {
	unsigned no;
	const char *p, *end;
	struct confinfo_diag *diag;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The next word of @p l, or false at the end of the line. */
static bool word(struct pline *l, const char **wp, size_t *lenp)
{
	while (l->p < l->end && is_space(*l->p))
		l->p++;
	if (l->p >= l->end)
		return false;
	*wp = l->p;
	while (l->p < l->end && !is_space(*l->p))
		l->p++;
	*lenp = (size_t)(l->p - *wp);
	return true;
}

static int bad(struct pline *l, const char *fmt, const char *w, size_t len)
{
	return confinfo_diag_fail(l->diag, EINVAL, l->no, 0, fmt, (int)len, w);
}

static int get_view(struct pline *l, enum confinfo_view *vp)
{
	const char *w;
	size_t len;

	if (!word(l, &w, &len))
		return bad(l,
			   "%.*smissing view (none, public, participant or "
			   "full)",
			   "", 0);
	if (confinfo_view_parse(vp, w, len))
		return bad(l, "unknown view '%.*s'", w, len);
	return 0;
}

static int end_of_line(struct pline *l)
{
	const char *w;
	size_t len;

	if (word(l, &w, &len))
		return bad(l, "unexpected '%.*s'", w, len);
	return 0;
}

static int get_identity(struct pline *l, char **idp)
{
	const char *w;
	size_t len;
	char buf[CONFINFO_POLICY_MAX_LINE + 1];
	int err;

	if (!word(l, &w, &len))
		return bad(l, "%.*smissing SIP URI", "", 0);
	memcpy(buf, w, len);
	buf[len] = '\0';
	err = confinfo_view_policy_identity(buf, idp);
	if (err == EINVAL)
		return bad(l, "'%.*s' is not a sip: or sips: URI", w, len);
	return err;
}

static int str_push(char ***listp, size_t *countp, char *s)
{
	char **n = realloc(*listp, (*countp + 1) * sizeof(*n));

	if (!n) {
		free(s);
		return ENOMEM;
	}
	n[(*countp)++] = s;
	*listp = n;
	return 0;
}

static int add_sub(struct pline *l, struct psection *s)
{
	struct psub *n;
	char *id = NULL;
	enum confinfo_view v;
	size_t i;
	int err = get_identity(l, &id);

	if (!err)
		err = get_view(l, &v);
	if (!err)
		err = end_of_line(l);
	for (i = 0; !err && i < s->nsubs; i++)
		if (!strcmp(s->subs[i].id, id))
			err = bad(l, "subscriber '%.*s' listed twice", id,
				  strlen(id));
	if (!err) {
		n = realloc(s->subs, (s->nsubs + 1) * sizeof(*n));
		if (!n)
			err = ENOMEM;
		else {
			s->subs = n;
			n[s->nsubs].id = id;
			n[s->nsubs++].view = v;
			return 0;
		}
	}
	free(id);
	return err;
}

static int add_roles(struct pline *l, struct psection *s)
{
	const char *w;
	size_t len;
	int err = 0;

	if (s->roles_set)
		return bad(l, "%.*schair-roles given twice", "", 0);
	s->roles_set = true;
	while (!err && word(l, &w, &len)) {
		char *r;

		if (s->nroles == CONFINFO_POLICY_MAX_ROLES)
			return bad(l, "%.*smore than 16 chair roles", "", 0);
		r = strndup(w, len);
		err = r ? str_push(&s->roles, &s->nroles, r) : ENOMEM;
	}
	return err;
}

static int set_text(struct pline *l, struct psection *s)
{
	const char *b = l->p, *e = l->end;

	if (s->text_set)
		return bad(l, "%.*sprivate-display-text given twice", "", 0);
	s->text_set = true;
	while (b < e && is_space(*b))
		b++;
	while (e > b && is_space(e[-1]))
		e--;
	if (b == e)
		return 0;
	/* It goes into every participant view: text an XML document and a
	 * terminal can take, or the NOTIFYs would fail to encode. */
	if (!confinfo_text_printable(b, (size_t)(e - b)))
		return bad(l, "%.*sprivate-display-text is not printable UTF-8",
			   "", 0);
	s->text = strndup(b, (size_t)(e - b));
	return s->text ? 0 : ENOMEM;
}

static int statement(struct pline *l, struct psection *s, size_t *entries)
{
	const char *w;
	size_t len;
	int c, err;

	if (!word(l, &w, &len))
		return 0;
	for (c = 0; c < PC_COUNT; c++) {
		if (strlen(class_names[c]) != len ||
		    memcmp(class_names[c], w, len))
			continue;
		if (s->set[c])
			return bad(l, "'%.*s' given twice in this section", w,
				   len);
		err = get_view(l, &s->view[c]);
		if (!err)
			err = end_of_line(l);
		s->set[c] = !err;
		return err;
	}
	if ((len == 10 && !memcmp(w, "subscriber", len)) ||
	    (len == 7 && !memcmp(w, "private", len))) {
		char *id = NULL;

		if (++*entries > CONFINFO_POLICY_MAX_ENTRIES) {
			if (l->diag)
				l->diag->limit = "max_entries";
			return confinfo_diag_fail(l->diag, E2BIG, l->no, 0,
						  "more than %d entries",
						  CONFINFO_POLICY_MAX_ENTRIES);
		}
		if (len == 10)
			return add_sub(l, s);
		err = get_identity(l, &id);
		if (!err)
			err = end_of_line(l);
		if (!err)
			return str_push(&s->priv, &s->npriv, id);
		free(id);
		return err;
	}
	if (len == 11 && !memcmp(w, "chair-roles", len))
		return add_roles(l, s);
	if (len == 20 && !memcmp(w, "private-display-text", len))
		return set_text(l, s);
	return bad(l, "unknown statement '%.*s'", w, len);
}

static int add_section(struct confinfo_view_policy *p, const char *name,
		       size_t len, struct pline *l)
{
	struct psection *n;
	size_t i;

	for (i = 0; i < p->nsecs; i++)
		if (strlen(p->secs[i].name) == len &&
		    !memcmp(p->secs[i].name, name, len))
			return bad(l, "section [%.*s] given twice", name, len);
	if (++p->entries > CONFINFO_POLICY_MAX_ENTRIES) {
		if (l->diag)
			l->diag->limit = "max_entries";
		return confinfo_diag_fail(l->diag, E2BIG, l->no, 0,
					  "more than %d entries",
					  CONFINFO_POLICY_MAX_ENTRIES);
	}
	n = realloc(p->secs, (p->nsecs + 1) * sizeof(*n));
	if (!n)
		return ENOMEM;
	p->secs = n;
	memset(&n[p->nsecs], 0, sizeof(*n));
	n[p->nsecs].name = strndup(name, len);
	if (!n[p->nsecs].name)
		return ENOMEM;
	p->nsecs++;
	return 0;
}

static int header(struct confinfo_view_policy *p, struct pline *l)
{
	const char *b = l->p + 1, *e = memchr(b, ']', (size_t)(l->end - b));
	size_t len;

	if (!e)
		return bad(l, "%.*smissing ']'", "", 0);
	len = (size_t)(e - b);
	l->p = e + 1;
	if (end_of_line(l))
		return EINVAL;
	if (!(len == 1 && *b == '*') && !sipnot_name_valid(b, len))
		return bad(l, "'%.*s' is not a conference name", b, len);
	return add_section(p, b, len, l);
}

static int one_line(struct confinfo_view_policy *p, struct pline *l)
{
	const char *hash = memchr(l->p, '#', (size_t)(l->end - l->p));

	if (hash)
		l->end = hash;
	while (l->p < l->end && is_space(*l->p))
		l->p++;
	if (l->p == l->end)
		return 0;
	for (const char *c = l->p; c < l->end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return bad(l, "%.*scontrol character", "", 0);
	if (*l->p == '[')
		return header(p, l);
	return statement(l, &p->secs[p->nsecs - 1], &p->entries);
}

int sipnot_policy_cmp_sec(const void *a, const void *b)
{
	return strcmp(((const struct psection *)a)->name,
		      ((const struct psection *)b)->name);
}

int sipnot_policy_cmp_sub(const void *a, const void *b)
{
	return strcmp(((const struct psub *)a)->id,
		      ((const struct psub *)b)->id);
}

int sipnot_policy_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int parse_lines(struct confinfo_view_policy *p, const char *text,
		       size_t len, struct confinfo_diag *diag)
{
	struct pline l = {.diag = diag};
	const char *s = text, *end = text + len;
	int err = add_section(p, "*", 1, &l);

	while (!err && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		if (++l.no > CONFINFO_POLICY_MAX_LINES) {
			if (diag)
				diag->limit = "max_lines";
			return confinfo_diag_fail(diag, E2BIG, l.no, 0,
						  "more than %d lines",
						  CONFINFO_POLICY_MAX_LINES);
		}
		if (e > s && e[-1] == '\r')
			e--;
		if ((size_t)(e - s) > CONFINFO_POLICY_MAX_LINE) {
			if (diag)
				diag->limit = "max_line";
			return confinfo_diag_fail(diag, E2BIG, l.no, 0,
						  "line longer than %d bytes",
						  CONFINFO_POLICY_MAX_LINE);
		}
		if (memchr(s, '\0', (size_t)(e - s)))
			return confinfo_diag_fail(diag, EINVAL, l.no, 0,
						  "NUL byte");
		l.p = s;
		l.end = e;
		err = one_line(p, &l);
		s = nl ? nl + 1 : end;
	}
	return err;
}

int confinfo_view_policy_parse(struct confinfo_view_policy **pp,
			       const char *text, size_t len,
			       struct confinfo_diag *diag)
{
	struct confinfo_view_policy *p;
	int err;

	if (!pp || (!text && len))
		return EINVAL;
	if (len > CONFINFO_POLICY_MAX_SIZE) {
		if (diag)
			diag->limit = "max_size";
		return confinfo_diag_fail(diag, E2BIG, 0, 0,
					  "policy larger than %d bytes",
					  CONFINFO_POLICY_MAX_SIZE);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	err = parse_lines(p, text ? text : "", len, diag);
	if (err)
		goto out;
	/* qsort() wants an array even for no element: empty lists stay
	 * NULL here. */
	if (p->nsecs)
		qsort(p->secs, p->nsecs, sizeof(*p->secs),
		      sipnot_policy_cmp_sec);
	for (size_t i = 0; i < p->nsecs; i++) {
		struct psection *s = &p->secs[i];

		if (s->nsubs)
			qsort(s->subs, s->nsubs, sizeof(*s->subs),
			      sipnot_policy_cmp_sub);
		if (s->npriv)
			qsort(s->priv, s->npriv, sizeof(*s->priv),
			      sipnot_policy_cmp_str);
	}
out:
	if (err) {
		if (err == ENOMEM)
			(void)confinfo_diag_fail(diag, err, 0, 0,
						 "out of memory");
		confinfo_view_policy_free(p);
		return err;
	}
	*pp = p;
	return 0;
}

int confinfo_view_policy_load(struct confinfo_view_policy **pp,
			      const char *path, struct confinfo_diag *diag)
{
	size_t cap = CONFINFO_POLICY_MAX_SIZE + 1, len = 0;
	char *buf = NULL;
	int fd, err = 0;

	if (!pp || !path)
		return EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return confinfo_diag_fail(diag, errno, 0, 0, "%s: %s", path,
					  strerror(errno));
	buf = malloc(cap);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	while (len < cap) {
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = confinfo_diag_fail(diag, errno, 0, 0, "%s: %s",
						 path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	err = confinfo_view_policy_parse(pp, buf, len, diag);
out:
	free(buf);
	close(fd);
	return err;
}
