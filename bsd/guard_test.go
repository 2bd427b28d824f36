package bsd

import (
	"strings"
	"testing"
)

func TestCheckPledged(t *testing.T) {
	t.Cleanup(func() { pledged.Store(nil) })
	if err := checkPledged("anything", "exec"); err != nil {
		t.Errorf("no plan applied: %v", err)
	}
	setPledged("stdio rpath inet")
	if err := checkPledged("read em0's addresses", "route", "inet", "dns"); err != nil {
		t.Errorf("inet allowed: %v", err)
	}
	err := checkPledged("run /sbin/ifconfig", "exec")
	if got, want := errString(err), `run /sbin/ifconfig: not allowed after pledge "stdio rpath inet" (needs exec)`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestIPv4AddrsRefusedWithoutPromise(t *testing.T) {
	setPledged("stdio rpath")
	t.Cleanup(func() { pledged.Store(nil) })
	_, err := IPv4Addrs("lo")
	if err == nil || !strings.Contains(err.Error(), "needs inet or route or dns") {
		t.Errorf("err = %v", err)
	}
}
