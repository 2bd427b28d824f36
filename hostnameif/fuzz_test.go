package hostnameif

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// FuzzRoundTrip checks that any input survives Parse unchanged, that the
// readers never panic, and that SetTunnel changes one logical line (or
// inserts one) and nothing else, leaving a file whose tunnel is the one set.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(heFile))
	f.Add([]byte("tunnel 1.2.3.4 5.6.7.8\r\nup"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		file := Parse(data)
		if !bytes.Equal(file.Bytes(), in) {
			t.Fatalf("Bytes() = %q, want %q", file.Bytes(), in)
		}
		file.Tunnel("gif0")
		file.Inet6("gif0")
		file.DefaultRoute("gif0")
		for _, d := range file.Divergences("gif0") {
			if strings.ContainsAny(d.String(), "\n\r") {
				t.Fatalf("divergence %q is not one line", d)
			}
		}
		for _, c := range file.Commands("gif0") {
			if a, ok := simpleArgs(c.Eval); c.Ifconfig != nil && (!ok || !slices.Equal(a[2:], c.Ifconfig)) {
				t.Fatalf("command %+v: Ifconfig is not the words of Eval", c)
			}
		}

		src := netip.MustParseAddr("198.51.100.7")
		for _, dst := range []netip.Addr{{}, netip.MustParseAddr("216.66.84.46")} {
			edited := Parse(in)
			if _, err := edited.SetTunnel("gif0", src, dst); err != nil {
				if !bytes.Equal(edited.Bytes(), in) {
					t.Fatalf("SetTunnel failed (%v) but changed the file", err)
				}
				continue
			}
			out := edited.Bytes()
			if !bytes.Equal(Parse(out).Bytes(), out) {
				t.Fatalf("edited file does not round-trip")
			}
			s, d, ok := Parse(out).Tunnel("gif0")
			if !ok || s != src || (dst.IsValid() && d != dst) {
				t.Fatalf("Tunnel() after SetTunnel(%v, %v) = %v %v %v\nin:  %q\nout: %q", src, dst, s, d, ok, in, out)
			}
			checkOneLineChanged(t, in, out)

			again := Parse(out)
			if _, err := again.SetTunnel("gif0", src, dst); err != nil || !bytes.Equal(again.Bytes(), out) {
				t.Fatalf("second SetTunnel not idempotent (%v):\n%q\n%q", err, out, again.Bytes())
			}
		}
	})
}

// checkOneLineChanged fails unless out is in with at most one logical line
// (physical lines joined by backslash-newline) replaced by, or one inserted
// as, one logical tunnel line.
func checkOneLineChanged(t *testing.T, in, out []byte) {
	t.Helper()
	a, b := logicalLines(in), logicalLines(out)
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	oldMid, newMid := a[p:len(a)-s], b[p:len(b)-s]
	if len(oldMid) == 0 && len(newMid) == 0 {
		return // nothing to change
	}
	if len(oldMid) > 1 || len(newMid) != 1 {
		t.Fatalf("SetTunnel replaced %q with %q", oldMid, newMid)
	}
	if w := Parse([]byte(newMid[0])).lines[0].words; len(w) == 0 || w[0] != "tunnel" {
		t.Fatalf("SetTunnel wrote %q in place of %q", newMid, oldMid)
	}
}

// logicalLines returns the bytes of each line as netstart's read sees them.
func logicalLines(data []byte) []string {
	var s []string
	for _, l := range Parse(data).lines {
		s = append(s, string(data[l.start:l.end]))
	}
	return s
}
