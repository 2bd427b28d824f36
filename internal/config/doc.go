// Package config reads gifctl.conf(5), whose manual page is the grammar's
// contract, in OpenBSD's syntax (pf.conf, ifstated.conf).
//
// Every value is typed: an interface name matching ^[a-z]+[0-9]+$, a netip.Addr
// of the right family, a number in range, an https URL, or an absolute path of
// letters, digits and "/._-+,:@%=~". No value holds white space, a control
// character, invalid UTF-8 or any of ; ! $ `, so none can end or chain a
// command in a shell or a hostname.if(5) "!" line. Errors read
// "FILE:LINE: message" and quote no secret (update URL, heartbeat password).
package config
