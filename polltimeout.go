package lro

import (
	"context"
	"sync"
	"time"
)

// pollTimer is the poll timeout of an operation's requests: one context
// they share, and one timer (time.AfterFunc of timeUp) that cancels it when
// the request in flight has run past the timeout. The timer is armed at a
// request when it is not already, and left armed after it: while requests
// follow each other within the timeout it never needs a Reset or a Stop.
// When it fires, timeUp cancels the context if the request in flight was
// sent a poll timeout ago or more, re-arms itself for the rest of that
// request's timeout if it was sent later, and disarms itself when no
// request is in flight. Its fields are guarded by mu, which timeUp holds.
type pollTimer struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	timer  *time.Timer
	sent   time.Duration // when the request in flight was sent, since run.start
	armed  bool          // timer is scheduled, or timeUp is about to run
	out    bool          // a request is in flight
	fired  bool          // timeUp canceled ctx under the request in flight
}

// requestContext returns the context the operation's next request, sent
// at sent, carries, and arms the poll timeout's timer unless it is armed:
// the context is made at the first request, and again after the timer
// canceled it.
func (r *run) requestContext(sent time.Time) context.Context {
	p := &r.pt
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancel(r.ctx)
	}
	p.out, p.sent = true, sent.Sub(r.start)
	if !p.armed {
		p.armed = true
		if p.timer == nil {
			p.timer = time.AfterFunc(r.cfg.pollTimeout, r.timeUp)
		} else {
			p.timer.Reset(r.cfg.pollTimeout)
		}
	}
	return p.ctx
}

// timeUp runs when the poll timeout's timer fires, on a goroutine of its
// own (time.AfterFunc).
func (r *run) timeUp() {
	p := &r.pt
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.out {
		p.armed = false
		return
	}
	if left := r.cfg.pollTimeout - (time.Since(r.start) - p.sent); left > 0 {
		p.timer.Reset(left) // a later request than the one it was armed for
		return
	}
	p.armed, p.fired = false, true
	p.cancel()
}

// endRequest ends the request in flight and reports whether the poll
// timeout canceled its context; that context is then dropped.
func (r *run) endRequest() (fired bool) {
	p := &r.pt
	p.mu.Lock()
	defer p.mu.Unlock()
	fired = p.fired
	p.out, p.fired = false, false
	if fired {
		p.ctx, p.cancel = nil, nil
	}
	return fired
}

// handOff gives the request context to a final GET's body, which cancels
// it on Close; the run no longer cancels it, and its timer is stopped.
// The request has ended (endRequest).
func (r *run) handOff() context.CancelFunc {
	p := &r.pt
	p.mu.Lock()
	defer p.mu.Unlock()
	cancel := p.cancel
	p.ctx, p.cancel = nil, nil
	p.timer.Stop()
	p.armed = false
	return cancel
}

// releaseContext stops the poll timeout's timer and cancels the request
// context unless a final GET's body took it: at the end of RoundTrip,
// Resume and each Poll step. A timeUp that was about to run finds no
// request in flight and does nothing; a run keeps no timer armed past it.
func (r *run) releaseContext() {
	p := &r.pt
	if p.timer == nil {
		return // no request was sent
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timer.Stop()
	p.armed, p.out = false, false
	if p.cancel != nil {
		p.cancel()
		p.ctx, p.cancel = nil, nil
	}
}

// timedOut turns err, from a request whose poll timeout fired, into a
// *pollTimeoutError (the timer's cancel would read as the caller's). Other
// errors, and a context the caller ended, pass unchanged.
func (r *run) timedOut(fired bool, target string, err error) error {
	if !fired || r.ctx.Err() != nil {
		return err
	}
	return &pollTimeoutError{url: target, timeout: r.cfg.pollTimeout}
}
