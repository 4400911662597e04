/*
 * arch/cc.h: lwIP's compiler and platform port for the ExOS libOS
 * (freestanding: no libc headers but libexos's; little-endian x86-64).
 * lwIP itself is fetched from Debian's source package at build time
 * (scripts/build-lwip); this file and lwipopts.h are the project's own.
 */
#ifndef EXOS_LWIP_ARCH_CC_H
#define EXOS_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* no inttypes.h, limits.h or ctype.h in the freestanding library */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"
#define INT_MAX 2147483647
#define SSIZE_MAX 0x7fffffffffffffffL
typedef long ssize_t;

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_ERR_T int

/* Diagnostics go to the console; a failed assertion ends the program
 * (lwIP's state would not be trusted after it). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void exit(int code) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
	printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, \
	    __LINE__); \
	exit(70); \
} while (0)

/* netif_find's atoi (libexos has none yet): exosnet.c. */
int exos_lwip_atoi(const char *s);
#define atoi exos_lwip_atoi

/* Initial sequence numbers and ports: the TSC, mixed. */
uint32_t exos_lwip_rand(void);
#define LWIP_RAND() exos_lwip_rand()

#endif
