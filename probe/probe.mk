# glassbox-probe: the escape checklist run inside containers (static: it must run in
# any root filesystem), and sectool, the test driver for the security modules.
PROBE   := $(BUILD)/libexec/glassbox/glassbox-probe
SECTOOL := $(BUILD)/tests/sectool

PROGRAMS += $(PROBE) $(SECTOOL)
# `all` was read before this file: name the new programs for it here too.
all: $(PROBE) $(SECTOOL)

# No $(SANITIZE): the sanitizer runtimes cannot be linked statically.
$(PROBE): probe/glassbox-probe.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -static -o $@ $<

$(SECTOOL): tests/sec/sectool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)
