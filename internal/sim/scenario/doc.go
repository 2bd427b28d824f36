// Package scenario runs gifctl end to end in the simulation: a router
// namespace whose egress em0 the ISP renumbers, a PoP namespace with the
// broker's end of a real protocol-41 tunnel and its HTTPS update endpoint,
// and between them gifctl driven the way ifstated(8) drives it.
//
// A World is one such setup. It builds on package sim and its parts: the
// userspace gif, the dhcpleased stand-in and the simulated broker
// (gifsim), and the netstart, ifconfig and pfctl stand-ins of package
// standin, which hand netstart and ifconfig to gifsim. The router runs the
// real gifctl binary with a gifctl.conf whose set options point at the
// stand-ins. The ifstated.conf that gifctl generates for that configuration
// (ifstated.Render) is parsed (ifstatedsim.Parse) and run by
// ifstatedsim.Machine, ifstated's own rules in Go, with every test and action executed for real
// as `/bin/sh -c CMD` inside the router's namespace (World.Shell): no
// hand-written loop decides when gifctl runs.
//
// With Options.Watch the router also runs `gifctl watch`, as
// etc/rc.d/gifctl starts it, and ifstated the file `gifctl ifstated
// --watch` prints, which has no check tunnel. watch's restarts reach the
// router through the relay (relay.ForWatch) and are recorded as Runs like
// those ifstated starts.
//
// Time: the file is run as rendered. For speed, tests make the Machine's
// clock run faster (Options.Scale): "every 5" becomes every 0.5 s of real
// time at scale 10. Only ifstated's clock is scaled: gifctl's timeouts and
// back-offs, the broker's abuse window and the minute clock of $retry (the
// shell's date) keep real time. The demo runs at real time.
//
// Everything that happens becomes an Event (what ifstated ran, its state
// changes, what gifctl printed, the broker's answers, when ping came back),
// kept for assertions and shown live by the demo (Demo, `make demo`).
package scenario
