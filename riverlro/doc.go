// Package riverlro carries long-running operations (LROs) on River, a job
// queue on PostgreSQL, so that they outlive the process that started them
// and any worker that polls them.
//
// lro's Transport blocks in RoundTrip until an operation ends. That suits a
// script or a request handler, but not a service that runs thousands of
// operations for hours while its processes restart. riverlro keeps each
// operation in PostgreSQL and moves it one step at a time with lro's public
// API:
//
//   - [Client.Start] sends the initial request under lro.WithoutPolling,
//     takes the operation's lro.ResumeToken and, in the caller's
//     transaction, inserts a River job and an operation row.
//   - [Worker] is the River worker. Each run of the job takes one
//     lro.Transport.Poll step. While the operation runs, it records the
//     new token as the job's output and snoozes the job for the step's
//     Next: River writes that output and the job's new state in one UPDATE,
//     so the token and the job never disagree. When the operation ends, it
//     writes the result to the operation row and completes the job with
//     river.JobCompleteTx in one transaction.
//   - [Client.Get] and [Client.Await] read an operation; [Client.Cancel]
//     calls lro.Transport.Cancel.
//
// Guarantees. An operation is polled by one worker at a time: a step holds
// the operation row's lock (SELECT ... FOR UPDATE) from before its request
// until its transaction ends. So even a run of a job River rescued while
// its first run still lives (one stuck past RescueStuckJobsAfter) waits for
// the lock; it then leaves an ended operation alone, or polls a running one
// again from the token it was handed (a repeated GET, nothing worse). A
// result is written once: only a running operation's row can take one, and
// a trigger refuses any change to an ended one. Tokens carry no credential;
// the polls take theirs from the base transport of the worker's
// lro.Transport.
//
// A worker killed mid-step loses nothing: its transaction is rolled back,
// the row lock freed, and River's rescuer runs the job again from the last
// recorded token (after Config.RescueStuckJobsAfter of River's client). The
// step is then sent again: polls are GETs, safe to repeat. A crash after
// the final GET's answer but before its transaction commits sends that GET
// again too; nothing can avoid that window short of the service itself
// keeping the result.
//
// Bounds. [Config.Deadline] ends an operation as [TimedOut], keeping its
// token. Transient failures (those lro retries: connection errors, 408,
// 429, 5xx but 501) return an error to River, whose retry policy (its
// Config.RetryPolicy) schedules the next try; when the job's MaxAttempts run
// out, the operation ends [Failed] with code [CodeRetriesExhausted].
// [Config.MaxBody] bounds a stored result body: a larger one is stored cut
// to that size with Result.Truncated set.
//
// Connections. A step holds one pool connection while its request is in
// flight, so a worker's pgxpool needs at least River's MaxWorkers
// connections plus River's own few.
package riverlro
