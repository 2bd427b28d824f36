// Package restart brings a gif(4) tunnel back after the egress interface's
// IPv4 address changed, the steps of `gifctl restart` each made safe:
//
//  1. Choose the egress's IPv4 address (bsd.ChooseSource); with none, stop.
//  2. Set the tunnel source in hostname.IF, nothing else (the file is the
//     admin's, run by netstart as root): atomically, root:wheel, mode at most
//     0640, only when it changed.
//  3. Run `sh NETSTART IF` when the file changed or the kernel's tunnel is
//     not consistent (bsd.Consistent); read the endpoints back, as netstart
//     exits 0 whatever happened.
//  4. With pf-conf, reload pf after netstart: `pfctl -n -f` first.
//  5. Tell the broker, which decides itself whether the address is new.
//
// A failed step fails the job, for ifstated to retry, but stops no later one (a
// tunnel without pf reloaded beats none; the broker must learn the address anyway).
// The caller holds the lock and sets one deadline; every child process dies with it.
package restart
