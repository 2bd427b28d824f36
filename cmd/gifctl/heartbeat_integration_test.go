package main

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gifctl/gifctl/internal/heartbeat"
)

// TestHeartbeat sends a beat from the router's namespace to a UDP receiver
// standing for the PoP, which checks it as sixxsd does: shape, hash, clock
// skew and source address.
func TestHeartbeat(t *testing.T) {
	const password = "hartslag-s3cret"
	w := newWorld(t, "198.51.100.7")
	pop := "198.51.100.200"
	w.ns.AddAddr("em0peer", pop+"/24")
	conf, err := os.ReadFile(w.conf)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(conf), "remote "+remote, "remote "+pop, 1)
	text = strings.Replace(text, "mtu 1480", "mtu 1480\n\theartbeat \""+password+"\"", 1)
	w.writeConf(text)

	var conn *net.UDPConn
	if err := w.ns.Do(func() (err error) {
		conn, err = net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(pop), heartbeat.Port)))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	r := w.gifctl(nil, "-v", "heartbeat", "gif0")
	if r.code != 0 {
		t.Fatalf("heartbeat: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, password) {
		t.Errorf("the heartbeat password appears in the output:\n%s", r.stderr)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	n, from, err := conn.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatalf("no heartbeat arrived: %v", err)
	}
	if from.Addr() != netip.MustParseAddr("198.51.100.7") {
		t.Errorf("beat came from %s, want the egress address 198.51.100.7", from.Addr())
	}
	// sixxsd (src/hb.c) hashes the line as it arrives, so the PoP accepts
	// it when it is the line Message makes for the time it carries, and
	// that time is within MaxSkew of its clock. The checks of every field
	// are package heartbeat's tests (Verify).
	beat := string(buf[:n])
	f := strings.Fields(beat)
	if len(f) != 6 || !strings.HasPrefix(beat, "HEARTBEAT TUNNEL 2001:db8:1::2 sender ") || strings.Contains(beat, password) {
		t.Fatalf("beat %q", beat)
	}
	secs, err := strconv.ParseInt(f[4], 10, 64)
	sent := time.Unix(secs, 0)
	if err != nil || beat != heartbeat.Message(netip.MustParseAddr("2001:db8:1::2"), heartbeat.Sender, sent, password) {
		t.Errorf("PoP refuses the beat %q: not the line of its time and password", beat)
	}
	if skew := time.Since(sent).Abs(); skew > heartbeat.MaxSkew {
		t.Errorf("beat %q is %v off the PoP's clock", beat, skew)
	}

	// Without a password in the tunnel block it is a usage error.
	w.writeConf(strings.Replace(text, "\theartbeat \""+password+"\"\n", "", 1))
	if r := w.gifctl(nil, "heartbeat", "gif0"); r.code != 2 || !strings.Contains(r.stderr, "no heartbeat password") {
		t.Errorf("heartbeat without password: exit %d, %q", r.code, r.stderr)
	}
}
