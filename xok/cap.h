/*
 * cap.h: hierarchical capabilities (pure logic; also built for host tests).
 */
#ifndef XOK_CAP_H
#define XOK_CAP_H

#include <xok/abi.h>

/* Does a's name prefix b's name?  Both must be valid. */
int cap_dominates(const struct xok_cap *a, const struct xok_cap *b);
/* May the holder of `held` use a resource guarded by `guard` for `rights`? */
int cap_allows(const struct xok_cap *held, const struct xok_cap *guard,
    unsigned rights);
/* Is `derived` a legal restriction/extension of `src`? (0 or -XE_*) */
int cap_derive_check(const struct xok_cap *src, const struct xok_cap *derived);
/* Fill *c with a capability of the given name and rights. */
void cap_make(struct xok_cap *c, const uint8_t *name, unsigned len,
    unsigned rights);

#endif
