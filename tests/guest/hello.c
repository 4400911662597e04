#include <exos/exos.h>
int main(uint64_t arg) { (void)arg; printf("hello from env %lx\n", xok_self()); printf("PASS: hello\nALL-DONE\n"); sys_shutdown(0, 0); return 0; }
