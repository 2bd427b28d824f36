// Package tempfiles writes files atomically with renameio (a temporary
// "." + name + int64 beside the file, then rename(2)) and removes those a
// gifctl killed in between (by ifstated's timeout, a reboot) left behind.
package tempfiles
