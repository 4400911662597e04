/* boot.c: the smallest init: say so and power off (for driver tests). */
#include <exos/exos.h>

int
main(uint64_t arg)
{
	(void)arg;
	printf("boot: init env %lx ran\n", xok_self());
	sys_shutdown(0, 0);
	return 0;
}
