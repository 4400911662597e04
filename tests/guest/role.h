/*
 * role.h: how a guest test starts a helper environment: a copy of the
 * test program itself, spawned with a role as its argument and a page
 * shared with its parent (tests/guest/role.c).
 */
#ifndef ROLE_H
#define ROLE_H

#include <exos/exos.h>

int64_t role_spawn(const struct exos_spawn *sp, uint64_t child_va,
    volatile uint64_t **shared, uint64_t *ppn);

#endif
