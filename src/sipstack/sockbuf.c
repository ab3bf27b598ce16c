/*
 * The socket buffers of a UDP listener (sipstack.h, sock_buf).
 *
 * libre 1.1.0 creates the socket inside sip_transp_add() and gives no way
 * to reach it (its struct sip_transport is private, and udp_sock_fd()
 * needs the struct udp_sock it keeps there). So the socket is found from
 * outside, as the guard finds the TCP listeners (guard.c): the datagram
 * socket in /proc/self/fd bound to the listener's address. Linux only.
 */
#define _GNU_SOURCE /* SO_RCVBUFFORCE, SO_SNDBUFFORCE */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "stack.h"

/* The highest-numbered datagram socket bound to @p laddr (its port too,
 * unless that is 0): the one sip_transp_add() opened last. */
static int find_udp_fd(const struct sa *laddr, int *fdp)
{
	int flags = sa_port(laddr) ? SA_ALL : SA_ADDR;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int found = -1;

	if (!d)
		return errno;
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		int type = 0;
		socklen_t len = sizeof(type);
		struct sa sa;

		if (*end || end == de->d_name || fd < 0 || fd > INT_MAX ||
		    fd == dirfd(d))
			continue;
		if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
		    type != SOCK_DGRAM)
			continue;
		sa_init(&sa, AF_UNSPEC);
		sa.len = sizeof(sa.u);
		if (getsockname((int)fd, &sa.u.sa, &sa.len) ||
		    (sa.u.sa.sa_family != AF_INET &&
		     sa.u.sa.sa_family != AF_INET6))
			continue;
		if (sa_cmp(&sa, laddr, flags) && fd > found)
			found = (int)fd;
	}
	closedir(d);
	if (found < 0)
		return ENOENT;
	*fdp = found;
	return 0;
}

/*
 * Set @p opt (SO_RCVBUF / SO_SNDBUF) to @p want, past the kernel's limit
 * with @p force_opt when it cut the request and we may. *gotp: what
 * getsockopt() reads back; *forcedp / *cappedp as in the public struct.
 */
static int set_buf(int fd, int opt, int force_opt, int want, uint32_t *gotp,
		   bool *forcedp, bool *cappedp)
{
	socklen_t len;
	int got = 0;

	if (setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want)))
		return errno;
	len = sizeof(got);
	if (getsockopt(fd, SOL_SOCKET, opt, &got, &len))
		return errno;
	/* Linux doubles what it grants; anything less than twice the
	 * request means the limit (rmem_max / wmem_max) applied. */
	if (got / 2 < want &&
	    !setsockopt(fd, SOL_SOCKET, force_opt, &want, sizeof(want))) {
		len = sizeof(got);
		if (getsockopt(fd, SOL_SOCKET, opt, &got, &len))
			return errno;
		*forcedp = true;
	}
	if (got / 2 < want)
		*cappedp = true;
	*gotp = got < 0 ? 0 : (uint32_t)got;
	return 0;
}

void sipstack_sockbuf_apply(struct confinfo_sipstack *s, const char *spec,
			    const struct sa *laddr)
{
	struct confinfo_sipstack_bufs b = {.spec = spec, .want = s->sock_buf};
	int want = s->sock_buf > INT_MAX / 2 ? INT_MAX / 2 : (int)s->sock_buf;
	int fd = -1;

	b.want = (uint32_t)want;
	b.err = find_udp_fd(laddr, &fd);
	if (!b.err)
		b.err = set_buf(fd, SO_RCVBUF, SO_RCVBUFFORCE, want, &b.rcvbuf,
				&b.forced, &b.capped);
	if (!b.err)
		b.err = set_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE, want, &b.sndbuf,
				&b.forced, &b.capped);
	if (s->bufh)
		s->bufh(&b, s->buf_arg);
}
