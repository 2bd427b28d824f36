// Package config reads gifctl.conf(5), gifctl's configuration file.
//
// The syntax is OpenBSD's, as in pf.conf and ifstated.conf: '#' starts a
// comment that runs to the end of the line (not inside quotes); a value is
// a bare word or a double-quoted string on one line, with no escapes; '{'
// and '}' open and close a block; a statement ends at a newline or ';'.
//
//	set hostname-dir|state-dir|netstart|pfctl|ifconfig|pf-conf|ca-file PATH
//	check ipv4|ipv6 {
//		target ADDRESS ...        # 1 to 16 in all
//		timeout SECONDS           # 1 to 30, default 1
//	}
//	tunnel IF {                   # one or more
//		egress IF                 # required
//		remote IPV4
//		inet6 IPV6 peer IPV6
//		mtu 1280..8192
//		update-url "https://USER:KEY@HOST/PATH?QUERY"
//		heartbeat "PASSWORD"
//	}
//
// Every value is parsed into a typed value: an interface name matching
// ^[a-z]+[0-9]+$, a netip.Addr of the right family, a number in range, an
// https URL, or an absolute path made of letters, digits and "/._-+,:@%=~".
// No value can hold white space, a control character, invalid UTF-8 or any
// of ; ! $ `, so nothing read here can end or chain a command in a shell or
// in a hostname.if(5) "!" line. Errors read "FILE:LINE: message" and never
// quote a secret (the update URL, the heartbeat password).
//
// Load also refuses a file that others may read or change, as the file
// holds broker credentials and names the programs gifctl runs as root.
package config
