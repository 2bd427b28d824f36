package scenario

import "time"

// scaledClock is ifstated's clock (ifstatedsim.Clock) running scale times
// faster than the wall clock: a test's "every 30" fires every 3 s of real
// time at scale 10, and the Machine's own notion of time (when a state was
// entered, when a test last reported) moves at the same pace, so its rules
// hold as in real time. The commands it runs are not scaled: gifctl's own
// timeouts, the broker's abuse window and the minute clock behind $retry
// (the shell's date) keep real time.
type scaledClock struct {
	start time.Time
	scale float64
}

func (c scaledClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.start)) * c.scale))
}

func (c scaledClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(time.Duration(float64(d) / c.scale))
	return t.C, t.Stop
}
