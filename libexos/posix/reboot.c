/*
 * reboot.c: reboot(2), the call /sbin/init ends the system with.  As on
 * Linux: the two magic numbers or EINVAL; LINUX_REBOOT_CMD_POWER_OFF,
 * _HALT and _RESTART all power the machine off through the kernel's
 * SHUTDOWN call with status 0 (QEMU runs with -no-reboot: a restart
 * would end it as well); _CAD_ON and _CAD_OFF are accepted (there is no
 * Ctrl-Alt-Del); other commands EINVAL.  SHUTDOWN needs the machine
 * capability, which only the first process holds: anyone else gets
 * EPERM (checked here too: only the first process may end the machine,
 * as in px_exit), as a process without CAP_SYS_BOOT does on Linux.  The call
 * counts are printed first if EXOS_SYSCOUNT asks for them.  Writing back
 * dirty file data before the power goes is sync's job (the file
 * layer's); init calls sync() first, as Linux's init does.
 */
#include "posix.h"

/* Linux's numbers (<linux/reboot.h>, which musl does not carry) */
#define LINUX_REBOOT_MAGIC1     0xfee1deadu
#define LINUX_REBOOT_MAGIC2     672274793u
#define LINUX_REBOOT_MAGIC2A    85072278u
#define LINUX_REBOOT_MAGIC2B    369367448u
#define LINUX_REBOOT_MAGIC2C    537993216u
#define LINUX_REBOOT_CMD_RESTART        0x01234567u
#define LINUX_REBOOT_CMD_HALT           0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON         0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF        0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF      0x4321fedcu

long
px_reboot(PX_ARGS)
{
	unsigned m1 = (unsigned)a1, m2 = (unsigned)a2, cmd = (unsigned)a3;
	int64_t r;

	(void)a4, (void)a5, (void)a6;
	if (m1 != LINUX_REBOOT_MAGIC1 ||
	    (m2 != LINUX_REBOOT_MAGIC2 && m2 != LINUX_REBOOT_MAGIC2A &&
	     m2 != LINUX_REBOOT_MAGIC2B && m2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_RESTART:
		break;
	default:
		return -EINVAL;
	}
	/* only the holder of the machine capability gets past this */
	if (xok_env_info(XOK_INFO->cur_env)->parent != 0)
		return -EPERM;
	px_syscount_report();
	r = sys_shutdown(exos_root_slot(), 0);
	return r < 0 ? px_errno(r) : -EINVAL;
}
