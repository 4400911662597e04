/*
 * cffs_xn.h - C-FFS as XN sees it: the templates (owns-udf and acl-uf in
 * XN's UDF bytecode) that let XN check C-FFS metadata it does not
 * understand, and a scan that runs those UDFs over a C-FFS image the way
 * XN's mount scan does.  Built only when xn/ is present.
 */
#ifndef CFFS_CFFS_XN_H
#define CFFS_CFFS_XN_H

#include <xn/xn.h>

#include "cffs/cffs.h"

/* XN block types of C-FFS metadata (plain data is XN_TYPE_DATA). */
#define CFFS_XN_SLOTS       0xcf01  /* superblock, directory, inode-file */
#define CFFS_XN_IND_DATA    0xcf02  /* indirect block -> data */
#define CFFS_XN_IND_SLOTS   0xcf03  /* indirect block -> slot blocks */
#define CFFS_XN_DIND_DATA   0xcf04  /* double indirect -> IND_DATA */
#define CFFS_XN_DIND_SLOTS  0xcf05  /* double indirect -> IND_SLOTS */
#define CFFS_XN_NTEMPLATES  5

/* The five templates, in the order above. */
const struct xn_template *cffs_xn_templates(void);

/* Register every C-FFS template with a mounted XN (0 or an XN_E* code;
 * XN_EEXIST when they are there already). */
int cffs_xn_register(struct xn *x, uint32_t principal);

/*
 * Walk a C-FFS image from the superblock's block (XN root "cffs", or
 * block 0 of a legacy image) using only the templates' owns-udfs, as
 * XN's mount scan would, and compare what they reach with the free map
 * (XN's, or the legacy bitmap).  Returns 0 when XN's view and C-FFS's agree exactly, the
 * number of differences (> 0) otherwise, or a negative CFFS_E* code.
 */
int cffs_xn_scan(struct cffs_bdev *dev, cffs_report_fn report, void *arg);

#endif
