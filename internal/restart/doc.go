// Package restart brings a gif(4) tunnel back after the egress interface's
// IPv4 address changed: the steps of `gifctl restart`, each made safe.
//
//  1. Choose the egress's IPv4 address (bsd.ChooseSource); with none, stop
//     before anything changes.
//  2. Set the tunnel source in hostname.IF, and nothing else: the file is the
//     admin's, and netstart runs it as root. It is written atomically,
//     root:wheel, its mode capped at 0640, and only when it changed.
//  3. Run `sh NETSTART IF` when the file changed or the kernel's tunnel is
//     not consistent (bsd.Consistent), then read the endpoints back:
//     netstart exits 0 whatever happened.
//  4. Reload pf after the tunnel was restarted, when pf-conf is set: `pfctl
//     -n -f` first, so that a ruleset that fails it is not loaded.
//  5. Tell the broker, which decides itself whether the address is new to it.
//
// A failed step does not stop the later ones (a tunnel without pf reloaded
// beats no tunnel; the broker must learn the address anyway); the job then
// fails and ifstated retries. The caller holds the lock and bounds the job
// with one deadline; every child process dies with it.
package restart
