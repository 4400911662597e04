/*
 * nofp.c: a page-fault handler built without SSE (-mno-sse -mno-mmx),
 * for the upcall entry that does not save the FPU state.
 */
#include <exos/exos.h>

uint64_t nofp_va, nofp_ppn;

void nofp_fault_handler(struct xok_frame *f);

void
nofp_fault_handler(struct xok_frame *f)
{
	(void)f;
	sys_page_map(XOK_SELF, nofp_va, nofp_ppn, XOK_PTE_W, 0, 0);
}
