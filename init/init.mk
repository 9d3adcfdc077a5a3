# glassbox-init: the tiny PID 1 for `--init`. Linked -static: it is bind-mounted into
# containers whose images may have no libc at all (or another one). Built without
# $(SANITIZE): AddressSanitizer's runtime cannot be linked statically.
INIT_BIN := $(BUILD)/libexec/glassbox/glassbox-init

PROGRAMS += $(INIT_BIN)

$(INIT_BIN): init/glassbox-init.c
	@mkdir -p $(@D) $(BUILD)/obj/init
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -MF $(BUILD)/obj/init/glassbox-init.d -MT $@ \
	  -static -o $@ $<

# glassbox-trampoline: the last program before a container's command (docs/security.md).
# Without libc where its entry code knows the architecture (x86-64, arm64).
TRAMPOLINE_BIN := $(BUILD)/libexec/glassbox/glassbox-trampoline
TRAMPOLINE_RAW := $(if $(filter x86_64-% aarch64-%,$(shell $(CC) -dumpmachine)),-nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie,)

PROGRAMS += $(TRAMPOLINE_BIN)
all: $(TRAMPOLINE_BIN)

$(TRAMPOLINE_BIN): init/glassbox-trampoline.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(TRAMPOLINE_RAW) -static -o $@ $<
