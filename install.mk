# make install / make uninstall (included by the top Makefile).
#
# The installed tree is the build tree's layout under PREFIX, which is what the programs
# expect: each finds its files from its own path (/proc/self/exe), no configuration.
#   PREFIX/bin/glassbox, PREFIX/bin/glassbox-viz
#   PREFIX/libexec/glassbox/glassbox-{init,probe,trampoline,images}   (<bin>/../libexec/glassbox)
#   PREFIX/share/glassbox/{images,fonts,labs}                  (<bin>/../share/glassbox)
#   PREFIX/share/man/man1/glassbox*.1     from the programs' --help (scripts/gen-man.sh)
#   PREFIX/share/bash-completion/completions/glassbox   (scripts/completion/glassbox.bash)
# DESTDIR stages the tree for a package: the programs still look in PREFIX at run time.

PREFIX  ?= /usr/local
DESTDIR ?=
INST     = $(DESTDIR)$(PREFIX)
INST_BIN := glassbox $(if $(wildcard $(VIZ)),glassbox-viz)
INST_LIBEXEC := glassbox-init glassbox-probe glassbox-trampoline glassbox-images
# A lab's guide and the files it uses (lab 20's stack), not its check (compiled in).
INST_LABS := $(shell find labs/[0-9][0-9]-* -type f ! -name check.c ! -name .env 2>/dev/null)

.PHONY: install uninstall man
MAN_DIR := $(BUILD)/share/man/man1
# Regenerated whenever a program (its --help) or docs/cli.md (the exit codes) changes.
$(MAN_DIR)/glassbox.1: $(GLASSBOX) $(wildcard $(VIZ)) docs/cli.md scripts/gen-man.sh
	scripts/gen-man.sh $(BUILD)/bin $(MAN_DIR)
man: $(MAN_DIR)/glassbox.1

install: $(GLASSBOX) $(IMAGES_BIN) $(INIT_BIN) $(TRAMPOLINE_BIN) $(PROBE) $(IMAGE) $(MAN_DIR)/glassbox.1
	install -d $(INST)/bin $(INST)/libexec/glassbox $(INST)/share/glassbox/images
	for b in $(INST_BIN); do install -m 755 $(BUILD)/bin/$$b $(INST)/bin/$$b; done
	for b in $(INST_LIBEXEC); do install -m 755 $(BUILD)/libexec/glassbox/$$b $(INST)/libexec/glassbox/$$b; done
	rm -rf $(INST)/share/glassbox/images/busybox
	cp -a $(BUILD)/share/glassbox/images/busybox $(INST)/share/glassbox/images/
	if [ -d $(BUILD)/share/glassbox/fonts ]; then cp -a $(BUILD)/share/glassbox/fonts $(INST)/share/glassbox/; fi
	for f in $(INST_LABS); do install -D -m 644 $$f $(INST)/share/glassbox/$$f; done
	install -d $(INST)/share/man/man1 $(INST)/share/bash-completion/completions
	install -m 644 $(MAN_DIR)/*.1 $(INST)/share/man/man1/
	install -m 644 scripts/completion/glassbox.bash $(INST)/share/bash-completion/completions/glassbox
	@echo "installed under $(INST): try $(PREFIX)/bin/glassbox run --rm busybox echo hi"

# Only what install put there; the directories PREFIX already had stay.
uninstall:
	rm -f $(addprefix $(INST)/bin/,glassbox glassbox-viz)
	rm -rf $(INST)/libexec/glassbox $(INST)/share/glassbox
	rm -f $(INST)/share/man/man1/glassbox.1 $(INST)/share/man/man1/glassbox-*.1
	rm -f $(INST)/share/bash-completion/completions/glassbox
