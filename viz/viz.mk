# glassbox-viz: the SDL2 visualizer (included by the top Makefile).
# It links no kernel logic: only the JSON reader (core/base/json.c, core/base/error.c) is shared.

VIZ        := $(BUILD)/bin/glassbox-viz
VIZ_SRC    := $(wildcard viz/*.c)
# The JSON reader objects are the library's own (same flags), linked in directly.
VIZ_OBJ    := $(VIZ_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/core/base/json.o $(BUILD)/obj/core/base/error.o
VIZ_CFLAGS := $(shell pkg-config --cflags sdl2 SDL2_ttf 2>/dev/null)
VIZ_LIBS   := $(shell pkg-config --libs sdl2 SDL2_ttf 2>/dev/null) -ljansson -lz -lm
VIZ_FONTS  := $(patsubst viz/fonts/%,$(BUILD)/share/glassbox/fonts/%,$(wildcard viz/fonts/*))

PROGRAMS += $(VIZ) $(VIZ_FONTS)

$(BUILD)/obj/viz/%.o: viz/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(VIZ_CFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(VIZ): $(VIZ_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(VIZ_OBJ) $(VIZ_LIBS)

$(BUILD)/share/glassbox/fonts/%: viz/fonts/%
	@mkdir -p $(@D)
	cp $< $@

.PHONY: viz
viz: $(VIZ) $(VIZ_FONTS)
