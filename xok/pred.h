/*
 * pred.h: wake-up predicates: verifier and evaluator (pure logic; also
 * built for host tests).  The bytecode is defined in xok/abi.h.
 */
#ifndef XOK_PRED_H
#define XOK_PRED_H

#include <stddef.h>
#include <xok/abi.h>

/* Read 8 bytes of the sleeping environment's memory: 0 or -XE_FAULT. */
typedef int (*pred_load_fn)(void *ctx, uint64_t uva, uint64_t *val);

/* Check a predicate at install time: 0 or -XE_INVAL. */
int pred_verify(const struct xok_pred_insn *p, size_t n, size_t info_size);
/* Run a verified predicate: 0 with *result set, or -XE_FAULT. */
int pred_eval(const struct xok_pred_insn *p, size_t n, const void *info,
    pred_load_fn load, void *ctx, uint64_t *result);

#endif
