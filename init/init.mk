# glassbox-init: the tiny PID 1 for `--init`. Linked -static: it is bind-mounted into
# containers whose images may have no libc at all (or another one). Built without
# $(SANITIZE): AddressSanitizer's runtime cannot be linked statically.
INIT_BIN := $(BUILD)/libexec/glassbox/glassbox-init

PROGRAMS += $(INIT_BIN)

$(INIT_BIN): init/glassbox-init.c
	@mkdir -p $(@D) $(BUILD)/obj/init
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -MF $(BUILD)/obj/init/glassbox-init.d -MT $@ \
	  -static -o $@ $<
