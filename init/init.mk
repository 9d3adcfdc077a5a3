# glassbox-init: the tiny PID 1 for `--init`. Linked -static: it is bind-mounted into
# containers whose images may have no libc at all (or another one).
INIT_BIN := $(BUILD)/libexec/glassbox/glassbox-init

PROGRAMS += $(INIT_BIN)

$(INIT_BIN): init/glassbox-init.c
	@mkdir -p $(@D) $(BUILD)/obj/init
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MF $(BUILD)/obj/init/glassbox-init.d -MT $@ \
	  -static -o $@ $<
