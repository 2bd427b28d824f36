set hb "HEARTBEAT TUNNEL [string tolower $localv6] sender [clock second]"
set hbhash "$hb [string tolower [md5::md5 -hex "$hb $password"]]"
