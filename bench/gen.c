/*
 * Benchmark document generator (see gen.h). Everything is derived from the
 * user index through a small integer hash, so a given N always produces
 * the same bytes: runs are comparable across machines and commits.
 */
#include "gen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gen_buf_free(struct gen_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static int buf_reserve(struct gen_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

static int buf_put(struct gen_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (buf_reserve(b, n))
		return ENOMEM;
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
	return 0;
}

__attribute__((format(printf, 2, 3))) static int
buf_printf(struct gen_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Every line written here is short: one try with 256 spare bytes
	 * avoids formatting twice. */
	if (buf_reserve(b, 256))
		return ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return EINVAL;
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n))
			return ENOMEM;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

/* A 32-bit mix of the index (Murmur3 finaliser): stable pseudo-random
 * values for tags, SSRCs and the odd status. */
static uint32_t mix(size_t i, uint32_t salt)
{
	uint32_t h = (uint32_t)i ^ (uint32_t)((uint64_t)i >> 32) ^ salt;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Names with non-ASCII letters and characters that must be escaped, as a
 * real roster has. */
static const char *const first_names[] = {
    "Alice", "Bob",   "Carol", "Dmitri", "Émilie",
    "Farid", "Grace", "Hiro",  "Ingrid", "José",
};
static const char *const last_names[] = {
    "Hoskins",  "O&apos;Neill", "Müller",   "Nakamura", "Okafor",
    "Svensson", "Dubois",       "Kowalski", "Ferreira", "Smith &amp; Co",
};
static const char *const languages[] = {"en",    "de",    "fr en", "ja",
					"es-ES", "en-GB", "sv",    "pt-BR"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void gen_user_entity(char *dst, size_t size, size_t i)
{
	snprintf(dst, size, "sip:user%06zu@example.com", i);
}

void gen_endpoint_entity(char *dst, size_t size, size_t i, unsigned ep)
{
	if (ep == 0)
		snprintf(dst, size,
			 "sip:user%06zu@example.com;gr=urn:uuid:%08x", i,
			 mix(i, 0x1a));
	else
		snprintf(dst, size, "sip:user%06zu@phone%u.example.com", i,
			 (unsigned)(i % 97));
}

/* Most endpoints are connected; a few sit in the other states a roster
 * shows at any time. */
static const char *endpoint_status(size_t i, unsigned ep)
{
	uint32_t r = mix(i, 0x57 + ep) % 64;

	if (r == 0)
		return "on-hold";
	if (r == 1)
		return "muted-via-focus";
	if (r == 2)
		return "alerting";
	return "connected";
}

static int put_media(struct gen_buf *b, size_t i, unsigned ep, unsigned video,
		     const char *status)
{
	int err = 0;

	err |= buf_printf(b, "    <media id=\"%u\">\n", video + 1);
	err |= buf_printf(b, "     <display-text>%s</display-text>\n",
			  video ? "main video" : "main audio");
	err |=
	    buf_printf(b, "     <type>%s</type>\n", video ? "video" : "audio");
	err |= buf_printf(b, "     <label>%s</label>\n",
			  video ? "10002" : "10001");
	err |= buf_printf(b, "     <src-id>%u</src-id>\n",
			  mix(i, 0x55 + ep * 2 + video));
	err |= buf_printf(b, "     <status>%s</status>\n", status);
	err |= buf_put(b, "    </media>\n");
	return err ? ENOMEM : 0;
}

static int put_endpoint(struct gen_buf *b, size_t i, unsigned ep)
{
	char entity[128];
	uint32_t h = mix(i, 0xe0 + ep);
	int dialed_out = (h % 3) == 0;
	int err = 0;

	gen_endpoint_entity(entity, sizeof(entity), i, ep);
	err |= buf_printf(b, "   <endpoint entity=\"%s\" state=\"full\">\n",
			  entity);
	err |= buf_printf(b, "    <display-text>%s</display-text>\n",
			  ep ? "Video phone" : "Laptop");
	err |=
	    buf_printf(b, "    <status>%s</status>\n", endpoint_status(i, ep));
	err |= buf_printf(b, "    <joining-method>%s</joining-method>\n",
			  dialed_out ? "dialed-out" : "dialed-in");
	err |= buf_put(b, "    <joining-info>\n");
	err |=
	    buf_printf(b, "     <when>2024-05-06T09:%02u:%02u.%03uZ</when>\n",
		       (unsigned)(h % 60), (unsigned)(h / 60 % 60),
		       (unsigned)(h / 3600 % 1000));
	if (dialed_out)
		err |= buf_put(b, "     <by>sip:moderator@example.com</by>\n");
	else
		err |= buf_printf(
		    b, "     <by>sip:user%06zu@example.com</by>\n", i);
	err |= buf_put(b, "    </joining-info>\n");
	err |= put_media(b, i, ep, 0, "sendrecv");
	err |= put_media(b, i, ep, 1, "sendrecv");
	err |= buf_put(b, "    <call-info>\n     <sip>\n");
	err |= buf_printf(b, "      <call-id>%08x%08x@example.com</call-id>\n",
			  mix(i, 0xc0 + ep), mix(i, 0xc8 + ep));
	err |= buf_printf(b, "      <from-tag>%08x</from-tag>\n",
			  mix(i, 0xf0 + ep));
	err |=
	    buf_printf(b, "      <to-tag>%08x</to-tag>\n", mix(i, 0x70 + ep));
	err |= buf_put(b, "     </sip>\n    </call-info>\n");
	err |= buf_put(b, "   </endpoint>\n");
	return err ? ENOMEM : 0;
}

static int put_user(struct gen_buf *b, size_t i)
{
	char entity[128];
	uint32_t h = mix(i, 0x05);
	int err = 0;

	gen_user_entity(entity, sizeof(entity), i);
	err |= buf_printf(b, "  <user entity=\"%s\" state=\"full\">\n", entity);
	err |= buf_printf(b, "   <display-text>%s %s%s</display-text>\n",
			  first_names[h % COUNT(first_names)],
			  last_names[h / 16 % COUNT(last_names)],
			  i % 50 == 7 ? " (Sales &amp; Marketing)" : "");
	if (i % 4 == 0) {
		err |= buf_put(b, "   <associated-aors>\n    <entry>\n");
		err |= buf_printf(
		    b, "     <uri>mailto:user%06zu@example.com</uri>\n", i);
		err |= buf_put(b, "     <display-text>e-mail</display-text>\n"
				  "    </entry>\n   </associated-aors>\n");
	}
	err |= buf_put(b, "   <roles>\n");
	if (i == 0)
		err |= buf_put(b, "    <entry>moderator</entry>\n");
	if (i % 10 == 1)
		err |= buf_put(b, "    <entry>presenter</entry>\n");
	err |= buf_put(b, "    <entry>participant</entry>\n   </roles>\n");
	err |= buf_printf(b, "   <languages>%s</languages>\n",
			  languages[h / 256 % COUNT(languages)]);
	err |= put_endpoint(b, i, 0);
	err |= put_endpoint(b, i, 1);
	err |= buf_put(b, "  </user>\n");
	return err ? ENOMEM : 0;
}

static int put_description(struct gen_buf *b, size_t users)
{
	int err = 0;

	err |= buf_put(
	    b,
	    " <conference-description>\n"
	    "  <display-text>All hands</display-text>\n"
	    "  <subject>Quarterly all-hands: roadmap &amp; Q&amp;A</subject>\n"
	    "  <free-text>Questions go to the chat room; the recording is "
	    "published the next day.</free-text>\n"
	    "  <keywords>all-hands roadmap quarterly</keywords>\n"
	    "  <conf-uris>\n"
	    "   <entry>\n"
	    "    <uri>" GEN_CONF_ENTITY "</uri>\n"
	    "    <display-text>Join by SIP</display-text>\n"
	    "    <purpose>participation</purpose>\n"
	    "   </entry>\n"
	    "   <entry>\n"
	    "    <uri>tel:+1-800-555-0100</uri>\n"
	    "    <display-text>Dial-in</display-text>\n"
	    "    <purpose>participation</purpose>\n"
	    "   </entry>\n"
	    "  </conf-uris>\n"
	    "  <service-uris>\n"
	    "   <entry>\n"
	    "    <uri>https://conf.example.com/allhands</uri>\n"
	    "    <purpose>web-page</purpose>\n"
	    "   </entry>\n"
	    "   <entry>\n"
	    "    <uri>xmpp:allhands@chat.conf.example.com?join</uri>\n"
	    "    <display-text>All-hands chat</display-text>\n"
	    "    <purpose>grouptextchat</purpose>\n"
	    "   </entry>\n"
	    "   <entry>\n"
	    "    <uri>https://conf.example.com/allhands/recording</uri>\n"
	    "    <purpose>recording</purpose>\n"
	    "   </entry>\n"
	    "  </service-uris>\n");
	err |= buf_printf(b, "  <maximum-user-count>%zu</maximum-user-count>\n",
			  users + users / 2 + 10);
	err |= buf_put(b, "  <available-media>\n"
			  "   <entry label=\"10001\">\n"
			  "    <display-text>main audio</display-text>\n"
			  "    <type>audio</type>\n"
			  "    <status>sendrecv</status>\n"
			  "   </entry>\n"
			  "   <entry label=\"10002\">\n"
			  "    <display-text>main video</display-text>\n"
			  "    <type>video</type>\n"
			  "    <status>sendrecv</status>\n"
			  "   </entry>\n"
			  "  </available-media>\n"
			  " </conference-description>\n");
	err |=
	    buf_put(b, " <host-info>\n"
		       "  <display-text>Example Conferencing</display-text>\n"
		       "  <web-page>https://conf.example.com/</web-page>\n"
		       "  <uris>\n"
		       "   <entry>\n"
		       "    <uri>sip:focus@conf.example.com</uri>\n"
		       "   </entry>\n"
		       "  </uris>\n"
		       " </host-info>\n");
	return err ? ENOMEM : 0;
}

static int put_root(struct gen_buf *b, const char *state, uint32_t version)
{
	b->len = 0;
	return buf_printf(b,
			  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<conference-info"
			  " xmlns=\"urn:ietf:params:xml:ns:conference-info\"\n"
			  " entity=\"" GEN_CONF_ENTITY "\" state=\"%s\""
			  " version=\"%u\">\n",
			  state, (unsigned)version);
}

int gen_full(struct gen_buf *b, size_t users, uint32_t version)
{
	int err = 0;
	size_t i;

	/* About 2 KB a user: reserving up front keeps generation linear
	 * without a dozen copies of a 300 MB buffer. */
	if (users < SIZE_MAX / 4096 && buf_reserve(b, 4096 + users * 2200))
		return ENOMEM;
	err |= put_root(b, "full", version);
	err |= put_description(b, users);
	err |= buf_printf(b,
			  " <conference-state>\n"
			  "  <user-count>%zu</user-count>\n"
			  "  <active>true</active>\n"
			  "  <locked>false</locked>\n"
			  " </conference-state>\n"
			  " <users state=\"full\">\n",
			  users);
	for (i = 0; i < users && !err; i++)
		err |= put_user(b, i);
	err |= buf_put(b, " </users>\n</conference-info>\n");
	return err ? ENOMEM : 0;
}

size_t gen_partial_user(size_t users)
{
	return users / 2;
}

int gen_partial(struct gen_buf *b, size_t users, uint32_t version,
		unsigned variant)
{
	char entity[128];
	size_t i;
	int err = 0;

	if (users == 0)
		return EINVAL;
	i = gen_partial_user(users);
	err |= put_root(b, "partial", version);
	err |= buf_put(b, " <users state=\"partial\">\n");
	gen_user_entity(entity, sizeof(entity), i);
	err |=
	    buf_printf(b, "  <user entity=\"%s\" state=\"partial\">\n", entity);
	gen_endpoint_entity(entity, sizeof(entity), i, 0);
	err |= buf_printf(b, "   <endpoint entity=\"%s\" state=\"partial\">\n",
			  entity);
	err |= put_media(b, i, 0, 1, variant ? "sendrecv" : "inactive");
	err |= buf_put(b, "   </endpoint>\n  </user>\n </users>\n"
			  "</conference-info>\n");
	return err ? ENOMEM : 0;
}
