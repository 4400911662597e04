/*
 * xn/err.c: names for XN error codes.
 */
#include <xn/xn.h>

const char *
xn_strerror(int err)
{
	switch (err) {
	case XN_OK:          return "success";
	case XN_EINVAL:      return "invalid argument";
	case XN_ERANGE:      return "block number out of range";
	case XN_ETYPE:       return "wrong or unknown type";
	case XN_EACCES:      return "permission denied by acl-uf or owner";
	case XN_EPROOF:      return "ownership change does not match the claim";
	case XN_EINUSE:      return "claimed block is not free";
	case XN_EFREE:       return "block is not allocated";
	case XN_ENOTEMPTY:   return "block still owns blocks";
	case XN_EBUSY:       return "block in flight or free pending";
	case XN_EORDER:      return "write-back would expose an uninitialised block";
	case XN_ENOTCACHED:  return "block not in the buffer-cache registry";
	case XN_EEXIST:      return "already exists";
	case XN_ENOSPC:      return "table full";
	case XN_ENOMEM:      return "arena too small";
	case XN_EIO:         return "disk I/O error";
	case XN_ECORRUPT:    return "on-disk XN structures are corrupt";
	case XN_ENOENT:      return "no such entry";
	case XN_EDIRTY:      return "registry entry is dirty";
	case XN_ENOTMOUNTED: return "not mounted";
	case XN_EUDFOP:      return "UDF: bad opcode or operand";
	case XN_EUDFREG:     return "UDF: register or scratch index out of range";
	case XN_EUDFJUMP:    return "UDF: bad jump target";
	case XN_EUDFBOUNDS:  return "UDF: load offset beyond the block";
	case XN_EUDFLOOP:    return "UDF: bad loop or step bound exceeded";
	case XN_EUDFLEN:     return "UDF: bad length or may run off the end";
	case XN_EUDFINIT:    return "UDF: a zero block owns blocks or faults";
	case XN_EUDFFAULT:   return "UDF: run-time fault";
	case XN_EUDFFAIL:    return "UDF: block malformed";
	}
	return "unknown error";
}
