// Package config reads gifctl.conf(5), whose manual page is the grammar's
// contract. The syntax is OpenBSD's, as in pf.conf and ifstated.conf.
//
// Every value is parsed into a typed value: an interface name matching
// ^[a-z]+[0-9]+$, a netip.Addr of the right family, a number in range, an
// https URL, or an absolute path made of letters, digits and "/._-+,:@%=~".
// No value can hold white space, a control character, invalid UTF-8 or any
// of ; ! $ `, so nothing read here can end or chain a command in a shell or
// in a hostname.if(5) "!" line. Errors read "FILE:LINE: message" and never
// quote a secret (the update URL, the heartbeat password).
//
// Load also refuses a file that others may read or change.
package config
