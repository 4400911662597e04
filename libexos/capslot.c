/*
 * capslot.c: the capability slot conventions of capslot.h: the first
 * process trades its root in slot 0 for the user's name (keeping the
 * root in EXOS_SLOT_ROOT), fork hands children only the derived names.
 */
#include <string.h>
#include <exos/capslot.h>
#include <exos/xok.h>

static int
is_root(const struct xok_cap *c)
{
	return c->valid && c->len == 0;
}

static int64_t
give(unsigned dst, uint8_t n0, uint8_t n1, unsigned len, uint8_t rights)
{
	struct xok_cap c;

	memset(&c, 0, sizeof(c));
	c.valid = 1;
	c.len = (uint8_t)len;
	c.rights = rights;
	c.name[0] = n0;
	c.name[1] = n1;
	return sys_cap_grant(XOK_SELF, 0, EXOS_SLOT_ROOT, dst, &c);
}

int64_t
exos_caps_first(void)
{
	struct xok_cap c;
	int64_t r;

	if ((r = sys_cap_get(0, &c)) < 0)
		return r;
	if (!is_root(&c))
		return 0;
	if ((r = sys_cap_grant(XOK_SELF, 0, 0, EXOS_SLOT_ROOT, &c)) < 0 ||
	    (r = give(EXOS_SLOT_CONS, XOK_CAPNAME_CONSOLE, 0, 1,
	    XOK_CAP_R)) < 0 ||
	    (r = give(EXOS_SLOT_NET, XOK_CAPNAME_NET, XOK_CAPNAME_NET_USE, 2,
	    XOK_CAP_W)) < 0 ||
	    (r = give(EXOS_SLOT_SELF, EXOS_CAPNAME_USER, 0, 1,
	    XOK_CAP_ALL)) < 0)
		return r;
	return 0;
}

int64_t
exos_caps_fork(uint64_t child)
{
	struct xok_cap c;
	unsigned s;
	int64_t r;

	for (s = 0; s < EXOS_SLOT_NFORK; s++) {
		if ((r = sys_cap_get(s, &c)) < 0)
			return r;
		if (!c.valid)
			continue;
		if ((r = sys_cap_grant(child, 0, s, s, &c)) < 0)
			return r;
	}
	return 0;
}

unsigned
exos_root_slot(void)
{
	struct xok_cap c;

	if (sys_cap_get(EXOS_SLOT_ROOT, &c) == 0 && is_root(&c))
		return EXOS_SLOT_ROOT;
	return 0;
}
