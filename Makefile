# Build and install ainews. `make install` puts the binaries, the knowledge base, the default
# config and feed list (never over an existing one) and the systemd units in place.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
DESTDIR ?=

.PHONY: build install check-units test

build:
	Scripts/install-deps
	swift build -c release --product ainews
	swift build -c release --product ainewsd

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ainews/knowledge-base $(DESTDIR)$(PREFIX)/share/doc/ainews $(DESTDIR)$(SYSCONFDIR)/ainews $(DESTDIR)$(UNITDIR)
	install -m 0755 .build/release/ainews .build/release/ainewsd $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 Config/knowledge-base/*.kb $(DESTDIR)$(PREFIX)/share/ainews/knowledge-base/
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/ainews/
	test -e $(DESTDIR)$(SYSCONFDIR)/ainews/ainews.conf || install -m 0644 Config/ainews.conf $(DESTDIR)$(SYSCONFDIR)/ainews/
	test -e $(DESTDIR)$(SYSCONFDIR)/ainews/feeds.opml || install -m 0644 Config/feeds.opml $(DESTDIR)$(SYSCONFDIR)/ainews/
	install -m 0644 systemd/*.service systemd/*.timer $(DESTDIR)$(UNITDIR)/
	@echo "installed; then: ainews feeds import /etc/ainews/feeds.opml --database /var/lib/ainews/ainews.sqlite && systemctl enable --now ainewsd ainews-digest.timer"

# systemd-analyze verify prints nothing for a clean unit (and exits 0 even on unknown keys).
check-units:
	@out=$$(systemd-analyze verify systemd/*.service systemd/*.timer 2>&1); if [ -n "$$out" ]; then echo "$$out"; exit 1; fi
	@for unit in systemd/*.service; do \
		score=$$(systemd-analyze security --offline=yes "$$unit" 2>/dev/null | grep -o 'Overall exposure level for [^:]*: [0-9.]*' | awk '{print $$NF}'); \
		echo "$$unit: exposure $$score"; \
		awk -v s="$$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || { echo "$$unit: exposure above 2.0"; exit 1; }; \
	done

test:
	Scripts/test
