package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gifctl/gifctl/internal/sim/relay"
)

// startWatch starts `gifctl watch` in the router as etc/rc.d/gifctl does,
// its plan enforced, and waits until it watches. Its restarts run through
// the relay (relay.ForWatch), where relayed records them.
func (w *World) startWatch(ctx context.Context) error {
	client, err := relay.ForWatch(w.Dir, w.opts.Gifctl, w.opts.Program.Path, w.opts.Program.Env)
	if err != nil {
		return err
	}
	argv := []string{w.opts.Gifctl, "-f", w.Conf, "watch", "--gifctl", client}
	w.Logf("gifctl watch starts, as rc.d/gifctl does (--gifctl: a relay out of watch's sandbox, which Linux keeps across execve): %s", strings.Join(argv, " "))
	p, err := w.Lab.Router.StartLogged(w.env, &lineWriter{ev: w.ev, who: "watch"}, argv...)
	if err != nil {
		return err
	}
	w.watch = p
	err = w.WaitFor(ctx, 10*time.Second, "gifctl watch to watch", func() bool {
		return p.Exited() || len(w.ev.Find("watch", "watching ")) > 0
	})
	if err == nil && p.Exited() {
		err = fmt.Errorf("gifctl watch: %v: %s", p.Err(), p.Output())
	}
	return err
}

// relayed is the relay's Observer: a gifctl that watch started (the relay
// runs it as DIR/gifctl.real, see relay.Wrap) becomes a Run, written as
// the gifctl binary it links to, and its output the router's events, as
// Shell does for what ifstated runs. The stand-ins are not recorded.
func (w *World) relayed(args []string) (io.Writer, func(int)) {
	if args[0] != w.path("gifctl.real") {
		return nil, nil
	}
	rec := w.record(strings.Join(append([]string{w.opts.Gifctl}, args[1:]...), " "), true)
	return rec, rec.end
}

// StopWatch ends gifctl watch with SIGTERM, as rcctl stop does, and says
// whether it stopped as it should: logging "stopped" and exiting 0 with
// no restart left running. Later calls return the first one's answer.
func (w *World) StopWatch() error {
	w.watchStop.Do(func() {
		if w.watch == nil {
			return
		}
		w.watch.Stop()
		switch err := w.watch.Err(); {
		case err != nil:
			w.watchErr = fmt.Errorf("gifctl watch after SIGTERM: %v", err)
		case len(w.ev.Find("watch", "gifctl: stopped")) == 0:
			w.watchErr = errors.New("gifctl watch exited without logging \"stopped\"")
		}
	})
	return w.watchErr
}
