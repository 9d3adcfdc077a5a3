# cgtool: drives core/cgroup/cgroup.c for the cgroup integration tests (tests/integration/30-cgroup-*.sh).
CGTOOL := $(BUILD)/tests/cgtool
PROGRAMS += $(CGTOOL)

$(CGTOOL): tests/cgroup/cgtool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)
