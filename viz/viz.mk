# glassbox-viz: the SDL2 visualizer (included by the top Makefile).
# It links no kernel logic: only the JSON reader (core/base/json.c, core/base/error.c) is shared.

VIZ        := $(BUILD)/bin/glassbox-viz
VIZ_SRC    := $(wildcard viz/*.c)
# The JSON reader objects are the library's own (same flags), linked in directly.
VIZ_OBJ    := $(VIZ_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/core/base/json.o $(BUILD)/obj/core/base/error.o
VIZ_CFLAGS := $(shell pkg-config --cflags sdl2 SDL2_ttf libpng 2>/dev/null)
VIZ_LIBS   := $(shell pkg-config --libs sdl2 SDL2_ttf libpng 2>/dev/null) -ljansson -lz -lm
VIZ_FONTS  := $(patsubst viz/fonts/%,$(BUILD)/share/glassbox/fonts/%,$(wildcard viz/fonts/*))

# Slides read Markdown with cmark, the CommonMark reference parser (Debian's libcmark-dev,
# scripts/deps.sh).
CMARK_CFLAGS := $(shell pkg-config --cflags libcmark 2>/dev/null)
CMARK_LIBS   := $(shell pkg-config --libs libcmark 2>/dev/null || echo -lcmark)
CMARK_OBJ    :=
VIZ_OBJ    += $(CMARK_OBJ)
VIZ_LIBS   += $(CMARK_LIBS)

PROGRAMS += $(VIZ) $(VIZ_FONTS)

$(BUILD)/obj/viz/%.o: viz/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(VIZ_CFLAGS) $(CMARK_CFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(VIZ): $(VIZ_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(VIZ_OBJ) $(VIZ_LIBS)

$(BUILD)/share/glassbox/fonts/%: viz/fonts/%
	@mkdir -p $(@D)
	cp $< $@

# The deck parser and the presenter's keys, tested without SDL.
DECK_TEST_OBJ := $(BUILD)/obj/viz/deck.o $(BUILD)/obj/viz/pres.o $(BUILD)/obj/viz/model.o $(BUILD)/obj/viz/model_vm.o $(BUILD)/obj/viz/model_oci.o \
		 $(BUILD)/obj/viz/caption.o $(BUILD)/obj/core/base/json.o $(BUILD)/obj/core/base/error.o \
		 $(CMARK_OBJ)
$(BUILD)/tests/test_deck: tests/unit/test_deck.c $(DECK_TEST_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -iquote viz $(CMARK_CFLAGS) $(ALL_CFLAGS) -o $@ $< $(DECK_TEST_OBJ) \
		$(CMARK_LIBS) -ljansson -lm -lcmocka

.PHONY: viz
viz: $(VIZ) $(VIZ_FONTS)
