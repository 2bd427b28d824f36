// Package tempfiles writes gifctl's state files atomically and removes what
// an interrupted atomic write leaves behind.
//
// gifctl writes hostname.IF, the broker's state and the check results with
// renameio: a temporary file in the same directory, then rename(2). A
// gifctl killed between the two (ifstated's timeout, a reboot) leaves the
// temporary file, named "." + the target's name + a random int64. Nothing
// reads it, but a directory such as /etc should not collect them, so the
// writers sweep them here: Write for the state files, and restart through
// RemoveStale for hostname.IF.
package tempfiles
