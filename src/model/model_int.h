/*
 * model/model_int.h: what the model module offers the library's other
 * modules beyond the public include/confinfo/model.h.
 */
#ifndef CONFINFO_MODEL_INT_H
#define CONFINFO_MODEL_INT_H

struct ci_pool;
struct confinfo_roles;

/* Append the model string @p role to @p roles, which takes it over; on
 * ENOMEM (also when @p role is NULL, a failed allocation) it is freed.
 * The first array comes from @p pool when one is given (the decoder). */
int ci_roles_append(struct confinfo_roles *roles, char *role,
		    struct ci_pool *pool);

#endif
