# demo/demo.mk
DEMO_MODULES := $(BUILD)/tests/hello.elf
