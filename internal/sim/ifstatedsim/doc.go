// Package ifstatedsim reads and runs ifstated.conf(5) files as OpenBSD's
// ifstated(8) does, for the tests and the simulation: Parse reads a file by
// the grammar of usr.sbin/ifstated/parse.y, and Machine runs a parsed file
// the way ifstated.c does, with seams for commands, time and logging. It
// checks that the file package ifstated renders is one ifstated accepts and
// acts on as intended; gifctl itself never runs it.
//
// # How ifstated runs a file
//
// Read in ifstated.c v1.68 and parse.y v1.56; the function names are theirs.
//
//   - A test exists only as a term of an expression (parse.y ext_test, term;
//     new_external). A macro that no expression expands runs nothing. Tests
//     belong to the state whose expressions name them, one per command and
//     interval in that state; those in if blocks outside any state belong to
//     a global pseudo-state (conf->initstate).
//   - Only the current state's tests and the global ones run
//     (sigchld_handler, external_evtimer_setup). Global tests run whatever
//     the state and are not run again on a state change.
//   - Entering a state (state_change) kills the old state's running tests,
//     then runs each of the new state's tests once and waits for it
//     (external_exec(external, 0): a hung test freezes the daemon), starts
//     their timers, runs the init block, then the body (load_config,
//     eval_state). set-state naming the current state does nothing.
//   - A test's timer fires every N seconds after the last firing
//     (external_handler); a run still going then is killed with SIGKILL and
//     its result thrown away. A test that did not exit by itself keeps its
//     previous result (check_external_status: WIFEXITED).
//   - When a test finishes with an exit status other than its last (1 to 2
//     counts, though both are false), the state's body is evaluated again:
//     every if whose condition is true runs, not only those naming the test
//     that changed (do_action). Nothing else makes ifstated evaluate a state
//     but link changes (scan_ifstate). A run is system(3): waited for, its
//     status ignored. set-state only records the next state: the rest of the
//     body still runs, and the last set-state wins.
//   - eval_state's guard: the body is evaluated only if the state's test that
//     reported longest ago has reported since the state was entered (or
//     never has). Coming back to a state, changes in the first interval of
//     its slowest test are noted but not acted on until another change.
//   - An expression's nodes start false and are computed from their leaves
//     as results come (adjust_expressions), so ! "test" is false until the
//     test has a result.
//   - A link test is true for up when the link is up or unknown
//     (LINK_STATE_IS_UP): gif(4) never reports its link, so gif0.link.up is
//     always true and tells nothing.
//   - Grammar traps, all checked against parse.y: no else; in { } every
//     action ends with a newline, so { set-state a } on one line is a syntax
//     error, while if COND set-state a without braces is fine; the file must
//     end with a newline; set-state only in a state; init only in a state
//     (the grammar has no global init); init-state and every set-state must
//     name a state; state names unique; every N in 1..2^32-1; && and || have
//     the same precedence and group to the left; a macro is expanded only
//     outside quotes and not inside another macro's value, and its value is
//     read again as input there; unquoted words start with a letter, digit,
//     : _ & or |, may not hold ( ) { } ! = # , . and do take $ and quotes in,
//     so &&$x is one word; a newline inside quotes vanishes.
//
// Parse differs from parse.y in one way: ifstated refuses a link test
// naming an interface that does not exist when the file is read
// (if_nametoindex); Parse accepts any name. Parse stops at the first syntax
// error, where ifstated goes on to report more.
//
// # Machine
//
// Machine.Run follows load_config, eval_state, state_change, do_action,
// external_handler and check_external_status. Exec runs tests and actions
// (ShellExec: /bin/sh -c, killing the process group when a test is killed);
// Clock gives time(NULL) and the timers; Logf reports state changes, runs
// and test results; Links and Link feed link states. Finished tests are
// reaped in batches as a SIGCHLD would, per state in ifstated's list order.
package ifstatedsim
