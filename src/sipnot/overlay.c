/*
 * The overlay: a program's own layer on top of the state the sources
 * (files, PUBLISH, set_conf()) give. The chat bridge (bridge.h) is the
 * one user: roles, mutes and boots decided in a chat room are not the
 * mixer's to write, and must survive every new state the mixer sends.
 * So the notifier keeps each conference's state twice, as the sources
 * gave it (the base) and as served (base + overlay); a new base is
 * overlaid again, and an overlay that changed is re-applied on the kept
 * base. Both end in sipnot_conf_apply(): the change goes out as an
 * ordinary partial NOTIFY, diffed and rate-limited like any other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipnot.h"

int sipnot_overlay_apply(struct confinfo_notifier *n, const char *name,
			 struct confinfo_conf *state,
			 struct confinfo_conf **basep)
{
	struct confinfo_conf *base = NULL;
	int err;

	if (!n->overlayh) {
		*basep = NULL;
		return 0;
	}
	err = confinfo_conf_clone(&base, state);
	if (err)
		return err;
	err = n->overlayh(name, state, n->overlay_arg);
	if (err) {
		confinfo_conf_free(base);
		return err;
	}
	*basep = base;
	return 0;
}

void sipnot_overlay_removed(struct confinfo_notifier *n, const char *name)
{
	if (n->overlayh)
		(void)n->overlayh(name, NULL, n->overlay_arg);
}

void confinfo_notifier_set_overlay(struct confinfo_notifier *n,
				   confinfo_notifier_overlay_h *overlayh,
				   void *arg)
{
	if (!n)
		return;
	n->overlayh = overlayh;
	n->overlay_arg = arg;
}

int confinfo_notifier_reapply(struct confinfo_notifier *n, const char *name)
{
	struct sipnot_snap *snap;
	struct sipnot_conf *conf;
	struct pl pl;
	char *source;
	int err;

	if (!n || !name)
		return EINVAL;
	pl_set_str(&pl, name);
	conf = sipnot_conf_find(n, &pl);
	if (!conf || !conf->snap)
		return ENOENT;
	/* The apply replaces conf->snap and conf->source: hold on to the
	 * base and the label until it is done. */
	snap = mem_ref(conf->snap);
	source = strdup(conf->source ? conf->source : "api");
	if (!source) {
		mem_deref(snap);
		return ENOMEM;
	}
	err = sipnot_conf_apply(n, name, sipnot_snap_base(snap), source, NULL);
	free(source);
	mem_deref(snap);
	return err;
}

const struct confinfo_conf *
confinfo_notifier_conf_base(const struct confinfo_notifier *n, const char *name)
{
	struct sipnot_conf *conf;
	struct pl pl;

	if (!n || !name)
		return NULL;
	pl_set_str(&pl, name);
	conf = sipnot_conf_find(n, &pl);
	return conf && conf->snap ? sipnot_snap_base(conf->snap) : NULL;
}
