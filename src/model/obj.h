/*
 * model/obj.h: model objects, i.e. every struct and every string of
 * include/confinfo/model.h, and the header word in front of each.
 *
 * The header says where an object's memory came from: its own malloc()
 * block (CI_OBJ_PLAIN), or a slice of a chunk shared with the other
 * objects of one decoded document (model/pool.h). A chunk counts its live
 * objects and is freed with the last one, so objects can be moved between
 * states (merge does) and freed one by one, in any order, from any
 * thread. Only model objects use this; the library's other memory (list
 * arrays, buffers) is plain ci_malloc() (model/alloc.h). See obj.c.
 */
#ifndef CONFINFO_MODEL_OBJ_H
#define CONFINFO_MODEL_OBJ_H

#include <stddef.h>
#include <stdint.h>

/* Under AddressSanitizer the header also holds the object's size, so that
 * a freed slice can be poisoned whole. */
#if defined(__SANITIZE_ADDRESS__)
#define CI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CI_ASAN 1
#endif
#endif

/* The header in front of every model object: its tag (CI_OBJ_PLAIN, or
 * the address of its chunk) and, under AddressSanitizer, its size. */
#ifdef CI_ASAN
#define CI_OBJ_HDR 16
#else
#define CI_OBJ_HDR 8
#endif
#define CI_OBJ_PLAIN ((uintptr_t)1)

/* A zeroed struct of @p size bytes. */
void *ci_obj_new(size_t size);
/* Copies of a string (of @p len bytes, NUL added). */
char *ci_str_dup(const char *s);
char *ci_str_ndup(const char *s, size_t len);
/* Release a model object (NULL is fine), whatever it came from. */
void ci_obj_free(void *p);
/* Resize the model object @p p (NULL: a new one) whose first @p keep bytes
 * matter to @p size bytes, like realloc(): NULL on ENOMEM, and then @p p
 * is untouched. */
void *ci_obj_grow(void *p, size_t keep, size_t size);

#endif
