# init/init.mk: /sbin/init of the root image (init/init.c), built with
# exos-cc; `make image` installs it.
INIT := $(BUILD)/init/init.elf
$(eval $(call exos_prog,$(INIT),init/init.c))
