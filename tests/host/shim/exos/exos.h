/*
 * tests/host/shim/exos/exos.h: what Cheetah's http.c takes from
 * <exos/exos.h> (snprintf and the string functions), from the host's C
 * library, so the parser builds as a host program for test_http and
 * fuzz_http.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
