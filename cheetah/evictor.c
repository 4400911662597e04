/*
 * evictor.c: the guest test's other user of the disk (docs/CHEETAH.md,
 * "Documents").  Cheetah in test mode spawns it (boot module
 * evictor.elf) when the host client asks for /.cheetah/evict; it
 * evicts every block of XN's buffer-cache registry (XN_BC_EVICT: any
 * environment with R on the disk may drop a clean entry), Cheetah's
 * documents among them, over and over, one sweep per clock tick, while
 * the client fetches the documents, until Cheetah destroys it.  So
 * every document page Cheetah is about to send may vanish under it:
 * its views are revoked by the kernel and its fault upcall must map
 * the blocks back (docstore.c, docs_fault; Cheetah counts them).
 */
#include <exos/exos.h>
#include <xn/xn.h>

int
main(uint64_t arg)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bstate *s = (const struct xn_bstate *)XOK_XN_VA;
	uint64_t b, t;

	(void)arg;
	for (;;) {
		if (xe->mounted)
			for (b = 0; b < xe->nblocks; b++)
				if (s[b].bcslot != 0)
					(void)sys_xn_bc_evict(0, (uint32_t)b);
		t = xok_ticks();
		exos_sleep_until_tick(t + 1);
	}
	return 0;
}
