# init/init.mk: /sbin/init of the root image (init/init.c), built with
# exos-cc; `make image` installs it.
INIT := $(BUILD)/init/init.elf
$(eval $(call exos_prog,$(INIT),init/init.c))
# The loader booted as the first process when ExOS boots from the root
# image (init/boot.c): it execs /sbin/init, or the program it is given,
# from the C-FFS root (make run, scripts/exos-run PROGRAM-PATH).
BOOT := $(BUILD)/init/boot.elf
$(eval $(call exos_prog,$(BOOT),init/boot.c))
