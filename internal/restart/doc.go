// Package restart brings a gif(4) tunnel back after the egress interface's
// IPv4 address changed: the steps of `gifctl restart`, each made safe.
//
//  1. Read the egress interface's IPv4 address (bsd.ChooseSource's rule when
//     it has several). No address: stop before anything is changed.
//  2. Set the tunnel source in hostname.IF, and nothing else: the file is the
//     admin's, and netstart runs it as root. It is written atomically (a temp
//     file in the same directory, fsync, rename), root:wheel with its mode
//     capped at 0640, and not at all when nothing changed.
//  3. Run `sh NETSTART IF` when the file changed or the kernel's tunnel is
//     not consistent (bsd.Consistent, the rule of check tunnel), then read the endpoints back: netstart exits
//     0 whatever happened, so its result is checked, not trusted.
//  4. Reload pf (`pfctl -n -f`, then `pfctl -f`) when pf-conf is set and the
//     tunnel was restarted: a ruleset that fails the dry run is not loaded.
//  5. Tell the broker, which decides itself whether the address is new to it.
//
// A step that fails does not stop the later ones: a tunnel restarted without
// pf reloaded is better than no tunnel, and the broker must learn the new
// address whatever the local steps did. The job then fails as a whole, and
// ifstated retries. The caller holds the lock and bounds the whole job with
// one context deadline; every child process dies with it.
package restart
