# Fuzzing with libFuzzer (clang from Debian: clang and libclang-rt-dev). Included by the
# top Makefile. `make fuzz` runs each target for FUZZ_SECONDS (60) and replays the crashes
# found before (tests/fuzz/regress/); tests/integration/95-fuzz.sh runs each for 3 s.
#
# The parsers are compiled again with clang, instrumented for coverage and checked by
# AddressSanitizer and UBSan, into $(BUILD)/fuzz/: nothing of the normal build changes.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_NAMES   := json dockerfile seccomp events mountspec publish compose manifest
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
# The modules the targets reach (an archive: each target takes only what it needs).
FUZZ_SRC     := $(wildcard core/base/*.c) core/build/dockerfile.c core/security/seccomp.c \
                core/security/caps.c core/storage/mountspec.c core/net/net_proxy.c \
                core/net/net_addr.c core/net/net.c core/net/net_via.c core/compose/compose.c \
                core/compose/compose_model.c core/compose/compose_text.c core/registry/ref.c \
                viz/stream.c viz/model.c viz/model_vm.c viz/model_oci.c viz/caption.c
FUZZ_OBJ     := $(FUZZ_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB     := $(FUZZ_DIR)/libfuzzparsers.a

.PHONY: fuzz fuzz-build

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -iquote viz $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -iquote viz $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) \
	  -lseccomp -lmnl -ljansson -lyaml -lpthread -lz -lm

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_NAMES)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
