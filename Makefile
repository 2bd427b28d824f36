# gifctl: works the same under GNU make and BSD make (OpenBSD's make, or
# Debian's bmake). Only plain rules and variables, ?= and != : no .if, no
# $(shell), no pattern rules.

PREFIX ?=	/usr/local
DESTDIR ?=
BINDIR =	$(PREFIX)/sbin
MANDIR =	$(PREFIX)/man
EXAMPLESDIR =	$(PREFIX)/share/examples/gifctl
# rc.d(8) scripts live in /etc/rc.d whatever PREFIX is.
RCDIR =		/etc/rc.d
GO ?=		go
VERSION !=	git describe --always --dirty 2>/dev/null || echo dev
LDFLAGS =	-s -w -X main.version=$(VERSION)

SAMPLES =	etc/gifctl.conf etc/hostname.gif0 etc/ifstated.conf etc/pf.conf
MANPAGES =	man/gifctl.8 man/gifctl.conf.5

.PHONY: all gifctl test check vet cross lint fuzz fuzz-long bench demo deps install uninstall clean testing-report

all: gifctl

# CGO_ENABLED=0: on Linux it makes a static binary, which starts faster
# (no dynamic loader, no libc to map); gifctl uses no C code.
gifctl:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o gifctl ./cmd/gifctl

# The README's test command: what CI runs.
test: deps check
	$(GO) test -count=1 ./...
	sh scripts/fuzz.sh 5

deps:
	sh scripts/deps.sh

# Static checks, including the OpenBSD builds: the product runs there.
check: vet cross lint
	@unformatted=`gofmt -l cmd bsd hostnameif ifstated internal`; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

vet:
	$(GO) vet ./...

cross:
	GOOS=openbsd GOARCH=amd64 $(GO) vet ./...
	GOOS=openbsd GOARCH=arm64 $(GO) vet ./...
	GOOS=openbsd GOARCH=amd64 $(GO) build -o /dev/null ./cmd/gifctl
	GOOS=openbsd GOARCH=arm64 $(GO) build -o /dev/null ./cmd/gifctl

lint:
	@out=`mandoc -Tlint -W warning $(MANPAGES) 2>&1`; \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

fuzz:
	sh scripts/fuzz.sh 60

bench: gifctl
	sh scripts/bench.sh

demo: deps
	$(GO) run ./internal/sim/cmd/gifsim demo

# install copies what "make" built, so that "make && doas make install"
# never runs the Go toolchain as root.
install:
	@test -f gifctl || { echo "gifctl is not built: run make first"; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(EXAMPLESDIR)
	install -m 0555 gifctl $(DESTDIR)$(BINDIR)/gifctl
	install -m 0444 man/gifctl.8 $(DESTDIR)$(MANDIR)/man8/gifctl.8
	install -m 0444 man/gifctl.conf.5 $(DESTDIR)$(MANDIR)/man5/gifctl.conf.5
	install -m 0444 $(SAMPLES) $(DESTDIR)$(EXAMPLESDIR)/
	install -d $(DESTDIR)$(RCDIR)
	install -m 0555 etc/rc.d/gifctl $(DESTDIR)$(RCDIR)/gifctl

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gifctl $(DESTDIR)$(MANDIR)/man8/gifctl.8 $(DESTDIR)$(MANDIR)/man5/gifctl.conf.5
	rm -rf $(DESTDIR)$(EXAMPLESDIR)
	rm -f $(DESTDIR)$(RCDIR)/gifctl

clean:
	rm -f gifctl

# TESTING.md, its figures counted by the tests themselves (as root).
testing-report:
	sh scripts/testing-report.sh 5
