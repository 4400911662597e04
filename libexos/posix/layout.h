/*
 * layout.h: where the POSIX layer keeps things in a process's address
 * space, in one place so no two pieces share an address.  Every region
 * is the libOS's own; the program sees only its image, its stack and
 * the arena (brk and mmap).
 *
 *   0x000000400000  the program's image (ELF segments), below PX_IMAGE_END
 *   0x0e0000000000  C-FFS's disk bounce and read-ahead regions
 *                   (libexos/cffsdev.c; physically consecutive pages)
 *   0x0f0000000000  fork's scratch window (pages being filled for a child)
 *   0x100000000000  libexos's own heap (EXOS_HEAP_BASE, exos.h)
 *   0x200000000000  the arena: brk heap (1 GiB), then mmap (1 TiB in all)
 *   0x300000000000  the arena's shadow (one word per arena page)
 *   0x310000000000  the lent list (mem.c)
 *   0x320000000000  copy-on-write scratch page (mem.c)
 *   0x330000000000  execve's trampoline, plan and staging window
 *   0x340000000000  boot modules of the first process (module.c)
 *   0x350000000000  parking place of PROT_NONE MAP_SHARED pages (mem.c:
 *                   arena page i at PX_PARK_VA + i pages, read-only)
 *   0x360000000000  C-FFS's heap (fsroot.c: its block cache and state;
 *                   a process's own, not copied by fork)
 *   0x370000000000  C-FFS's views of XN's cached blocks (fsroot.c,
 *                   cffsxndev.c): block b's page read-only at + b pages
 *   0x380000000000  the family's shared region (shm.h): mapped at the
 *                   same address in every ExOS process, shared by fork
 *                   (never copied), kept by execve
 *   0x390000000000  mmapfile.c's scratch page (a private file page
 *                   being read)
 *   0x7e0000000000  top of libexos's upcall stack (grows down)
 *   0x7f0000000000  top of the program's stack (XOK_INIT_STACK_TOP)
 */
#ifndef EXOS_POSIX_LAYOUT_H
#define EXOS_POSIX_LAYOUT_H

#define PX_IMAGE_END    0x0000100000000000UL
#define PX_COPY_WINDOW  0x00000f0000000000UL
#define PX_ARENA_LO     0x0000200000000000UL
#define PX_SHADOW_VA    0x0000300000000000UL
#define PX_LENT_VA      0x0000310000000000UL
#define PX_COW_VA       0x0000320000000000UL
#define PX_EXEC_VA      0x0000330000000000UL
#define PX_MODULE_VA    0x0000340000000000UL
#define PX_PARK_VA      0x0000350000000000UL     /* 1 TiB, as the arena */
#define PX_FSHEAP_VA    0x0000360000000000UL
#define PX_FSHEAP_PAGES 16384u                  /* 64 MiB of addresses */
#define PX_XNVIEW_VA    0x0000370000000000UL     /* 2^24 blocks: 64 GiB */
#define PX_SHM_VA       0x0000380000000000UL
#define PX_SHM_SPAN     (1UL << 32)             /* 4 GiB of addresses */
#define PX_FMAP_VA      0x0000390000000000UL
#define PX_UPSTACK_HI   0x00007e0000000000UL

#endif
