# demo/demo.mk: the program `make run` boots.
$(eval $(call guest_prog,$(BUILD)/demo/demo.elf,demo/demo.c))
DEMO_MODULES := $(BUILD)/demo/demo.elf
