# glassbox — build, test, demo.  `make help` lists the targets.
#
# Everything is built under build/ (or $(BUILD)):
#   build/bin/glassbox                      the engine's command line
#   build/libexec/glassbox/glassbox-init    the tiny PID 1 (--init)
#   build/libexec/glassbox/glassbox-images  the image commands (pull, push, login...)
#   build/share/glassbox/images/busybox/    the built-in default image (a rootfs)
#   build/lib/libglassbox.a                 the engine as a static library

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
# snprintf truncating on purpose is how we bound strings: no warning for it.
WARN     := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
# -iquote, not -I: core/security/seccomp.h must not hide libseccomp's <seccomp.h>.
CPPFLAGS += -D_GNU_SOURCE -iquote core -iquote labs
LDLIBS   += -lseccomp -lmnl -lpthread
# core/base/json.c reads JSON with jansson (docs/json.md says why).
LDLIBS   += -ljansson
# host-check (core/host/hostcheck.c) reads /proc/config.gz with zlib.
LDLIBS   += -lz
# glassbox compose (core/compose/) reads Compose files with libyaml.
LDLIBS   += -lyaml
# glassbox pull (core/registry/) speaks HTTP with libcurl, unpacks layers with libarchive
# and hashes blobs with OpenSSL's sha256 (the CPU's SHA extensions).
# Only glassbox-images links them (docs/images.md): `glassbox`, whose every start would
# map them and their ~40 shared objects, execs that program for the image commands.
IMAGES_LDLIBS := -lcurl -larchive -lcrypto
LDLIBS   += $(IMAGES_LDLIBS)
ENGINE_LDLIBS = $(filter-out $(IMAGES_LDLIBS),$(LDLIBS))
# Every container start execs `glassbox` (and every OCI call glassbox-runc): the dynamic
# loader's work for each shared library is paid each time (~0.1 ms a library on this
# kind of host, bench/start.sh). The libraries that ship an archive are linked into the
# binary; libc and libmnl (no archive in Debian) stay shared. STATIC_LIBS= links all shared.
STATIC_LIBS ?= -lseccomp -ljansson -lz -lyaml
ENGINE_LINK = -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic $(filter-out $(STATIC_LIBS),$(ENGINE_LDLIBS))
SANITIZE ?=
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANITIZE) -MMD -MP

CORE_SRC := $(wildcard core/*/*.c)
# The image commands' CLI code is glassbox-images' (cli/images/main.c); in `glassbox`,
# cli/images_exec.c stands in for it.
IMAGES_CLI := cli/pull.c cli/push.c
CLI_SRC  := $(filter-out $(IMAGES_CLI),$(wildcard cli/*.c))
LAB_SRC  := labs/lab.c labs/mutations.c $(wildcard labs/*/check.c)
LAB_DIRS := $(sort $(dir $(wildcard labs/[0-9][0-9]-*/check.c)))
LAB_DOCS := $(patsubst labs/%,$(BUILD)/share/glassbox/labs/%,$(wildcard labs/[0-9][0-9]-*/README.md))
LAB_REG  := $(BUILD)/gen/labs_registry.c
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(LAB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/labs_registry.o
LIB      := $(BUILD)/lib/libglassbox.a
GLASSBOX := $(BUILD)/bin/glassbox
IMAGE    := $(BUILD)/share/glassbox/images/busybox/rootfs/bin/busybox
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS := $(GLASSBOX) $(IMAGE) $(LAB_DOCS)

.PHONY: all deps test unit integration demo asan bench clean help format check-deps test-guest vm-kernel
.DEFAULT_GOAL := all

help:
	@echo "make            build everything under $(BUILD)/"
	@echo "make deps       install the Debian packages the build and tests need (as root)"
	@echo "make demo       the main job: a guided tour of a real container's life"
	@echo "make test       install what is missing, build, run unit + integration tests"
	@echo "make asan       the same tests with AddressSanitizer + UBSan"
	@echo "make test-guest the cgroup and engine tests inside a QEMU guest: cgroup v2 only, then v1 only"
	@echo "make bench      benchmarks: start and stop against runc, crun and the unshare floor; viz frame times"
	@echo "make install   install under PREFIX (/usr/local; DESTDIR for packages); make uninstall"
	@echo "make man       man pages from the programs' --help, in $(BUILD)/share/man/man1"
	@echo "make format     clang-format the C sources"
	@echo "make check-deps fail on a circle between core/ modules or an include up its layers"
	@echo "make fuzz       libFuzzer on the parsers, FUZZ_SECONDS (60) each (needs clang)"

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The lab registry: one entry per labs/NN-name/check.c, each defining gb_lab_NN.
$(LAB_REG): $(LAB_DIRS) Makefile
	@mkdir -p $(@D)
	@{ echo '#include "lab.h"'; \
	  for d in $(LAB_DIRS); do n=$$(basename $$d | cut -c1-2); echo "extern const struct gb_lab gb_lab_$$n;"; done; \
	  echo 'const struct gb_lab *const gb_labs[] = {'; \
	  for d in $(LAB_DIRS); do n=$$(basename $$d | cut -c1-2); echo "	&gb_lab_$$n,"; done; \
	  echo '	0,'; echo '};'; } > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/labs_registry.o: $(LAB_REG)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/share/glassbox/labs/%: labs/%
	@mkdir -p $(@D)
	cp $< $@

$(LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(GLASSBOX): $(CLI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(ENGINE_LINK)

# glassbox-images: its own main, the image commands, and from an archive of the other CLI
# objects only those they use (cli/images/main.c).
IMAGES_BIN := $(BUILD)/libexec/glassbox/glassbox-images
IMAGES_OBJ := $(BUILD)/obj/cli/images/main.o $(IMAGES_CLI:%.c=$(BUILD)/obj/%.o)
CLI_LIB  := $(BUILD)/lib/libglassbox-cli.a
PROGRAMS += $(IMAGES_BIN)
$(CLI_LIB): $(filter-out $(BUILD)/obj/cli/main.o $(BUILD)/obj/cli/images_exec.o,$(CLI_OBJ))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
$(IMAGES_BIN): $(IMAGES_OBJ) $(CLI_LIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(IMAGES_OBJ) $(CLI_LIB) $(LIB) $(LDLIBS)

$(IMAGE): images/busybox/mkrootfs.sh $(wildcard images/busybox/files/*)
	images/busybox/mkrootfs.sh $(BUILD)/share/glassbox/images/busybox

# Unit tests link the library and the command line's pure parsing code.
UNIT_LINK := $(BUILD)/obj/cli/args.o $(LIB)
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_LINK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Icli $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(LDLIBS) -lcmocka

# test_lab judges fake checks with the lab mechanism itself.
$(BUILD)/tests/test_lab: tests/unit/test_lab.c $(BUILD)/obj/labs/lab.o $(UNIT_LINK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Icli $(ALL_CFLAGS) -o $@ $< $(BUILD)/obj/labs/lab.o $(UNIT_LINK) $(LDLIBS) -lcmocka

# tests/net/nettool: drives core/net/net.c from the network integration tests (tests/integration/20-net-*).
NETTOOL  := $(BUILD)/tests/nettool
all: $(NETTOOL)
$(NETTOOL): tests/net/nettool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The test build of the engine: the same objects, with core/base/mutate.c compiled with
# -DGB_TEST_MUTATIONS (GLASSBOX_SKIP_STEP, GLASSBOX_FAIL_EXEC). Linked before the library,
# its definitions win; the shipped $(GLASSBOX) never reads those variables (docs/engine.md).
GLASSBOX_MUT := $(BUILD)/tests/glassbox-mut
all: $(GLASSBOX_MUT)
$(BUILD)/obj/tests/mutate-test.o: core/base/mutate.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DGB_TEST_MUTATIONS $(ALL_CFLAGS) -c $< -o $@
$(GLASSBOX_MUT): $(CLI_OBJ) $(BUILD)/obj/tests/mutate-test.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/obj/tests/mutate-test.o $(LIB) $(ENGINE_LDLIBS)

# Optional parts add themselves to PROGRAMS and define their own rules.
-include init/init.mk
-include viz/viz.mk
-include probe/probe.mk
-include tests/cgroup/cgroup.mk
-include tests/fuzz/fuzz.mk
include install.mk

# After the optional parts, so that what they add to PROGRAMS is built too.
all: $(PROGRAMS) $(UNIT_BIN) $(BUILD)/bin/glassbox-runc

# glassbox-runc (docs/oci.md): the same binary; called by that name it speaks runc's CLI.
$(BUILD)/bin/glassbox-runc: $(GLASSBOX)
	@ln -sfn glassbox $@

test: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@BUILD=$(BUILD) tests/run.sh

# The guest kernel for lab 19, compare and the test guests, fetched with apt into the
# cache the tests use (tests/run.sh does the same before the tests, outside the private
# network namespaces many of them run in); tried three times.
vm-kernel: $(GLASSBOX)
	@for try in 1 2 3; do \
	  GLASSBOX_VM_CACHE=$(CURDIR)/$(BUILD)/vm/kernel $(GLASSBOX) vm kernel >/dev/null 2>&1 && break; \
	  [ $$try = 3 ] && GLASSBOX_VM_CACHE=$(CURDIR)/$(BUILD)/vm/kernel $(GLASSBOX) vm kernel; sleep 5; \
	done; true

unit: all
	@BUILD=$(BUILD) tests/run.sh --unit

integration: all
	@BUILD=$(BUILD) tests/run.sh --integration

# Boots Debian's cloud kernel under QEMU (fetched into $(BUILD)/vm/kernel) twice.
test-guest: all
	@BUILD=$(BUILD) tests/guest/test-guest.sh v2 v1

demo: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@scripts/demo.sh $(BUILD)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	  SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" all
	@BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/start.sh
	@bench/exec.sh
	@bench/stop.sh
	@bench/viz.sh
	@bench/stack.sh

# core/README.md: modules in no circle, folders in layers. Reads the includes and, with
# nm, the symbols each object file takes from another (make test runs it too).
check-deps: $(LIB)
	@scripts/check-deps.py core $(BUILD)/obj/core

# .clang-format is the truth: `make format` applies it to every C source git knows;
# tests/integration/91-build-format.sh (in make test) fails on a file it would change.
format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# tests/classroom/spooltool: a roster and the results spool for the classroom board's test
# (tests/integration/66-classroom-board.sh), through core/classroom/ directly.
SPOOLTOOL := $(BUILD)/tests/spooltool
all: $(SPOOLTOOL)
$(SPOOLTOOL): tests/classroom/spooltool.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)
