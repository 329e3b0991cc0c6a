package lro

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// WaitReason says why the transport waits before its next request.
type WaitReason string

// The reasons for a wait.
const (
	// WaitRetryAfter: the server asked for the delay (Retry-After,
	// retry-after-ms or x-ms-retry-after-ms).
	WaitRetryAfter WaitReason = "retry-after"
	// WaitInterval: the delay set by WithPollInterval.
	WaitInterval WaitReason = "interval"
	// WaitSchedule: the default backoff schedule.
	WaitSchedule WaitReason = "schedule"
	// WaitRetry: the backoff before retrying a transient failure.
	WaitRetry WaitReason = "retry"
)

// Bounds of the default schedule: the first wait, doubled each poll up to
// the last.
const (
	scheduleFirst = time.Second
	scheduleMax   = 30 * time.Second
)

// retryAfter reads the delay a response asks for: Retry-After (integer
// seconds or an HTTP-date), else retry-after-ms, else x-ms-retry-after-ms.
// Junk, zero, negative values and dates not in the future are ignored; a
// delay over maxDelay is cut to maxDelay. ok is false when no header gives a
// usable delay. now is called only for an HTTP-date: most responses have no
// Retry-After, and reading the clock is not free.
func retryAfter(h http.Header, now func() time.Time, maxDelay time.Duration) (d time.Duration, ok bool) {
	if v := h["Retry-After"]; len(v) > 0 {
		if d, ok = parseRetryAfter(v[0], now); ok {
			return min(d, maxDelay), true
		}
	}
	for _, key := range [...]string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := h[key]; len(v) > 0 {
			if ms, err := strconv.ParseInt(v[0], 10, 64); (err == nil || errors.Is(err, strconv.ErrRange)) && ms > 0 {
				if ms > int64(maxDelay/time.Millisecond) {
					return maxDelay, true
				}
				return time.Duration(ms) * time.Millisecond, true
			}
		}
	}
	return 0, false
}

// defaultBackoff is retryablehttp.DefaultBackoff (exponential between min
// and max), except that it reads the delay a 429 or 503 asks for as
// retryAfter does: Retry-After or its millisecond twins, junk, zero,
// negative and past values ignored, huge ones capped instead of overflowing
// (retryablehttp multiplies seconds into a Duration unchecked). The caller
// caps the result with WithMaxDelay.
func defaultBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header, time.Now, 1<<62); ok {
			return d
		}
	}
	return retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
}

// parseRetryAfter reads one Retry-After value, without a cap.
func parseRetryAfter(v string, now func() time.Time) (time.Duration, bool) {
	// Past int64, ParseInt gives ErrRange and the extreme value: huge.
	if s, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if s <= 0 {
			return 0, false
		}
		if s > int64(1<<62/time.Second) { // would overflow a Duration
			return 1 << 62, true
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now())
	return d, d > 0
}

// schedule is the default delay before poll n (0-based): 1 s doubling up
// to 30 s.
func schedule(n int) time.Duration {
	if n >= 5 {
		return scheduleMax
	}
	return min(scheduleFirst<<n, scheduleMax)
}

// nextDelay is the wait before the next poll, given the last response's
// headers.
func (r *run) nextDelay(h http.Header) (time.Duration, WaitReason) {
	if d, ok := retryAfter(h, time.Now, r.cfg.maxDelay); ok {
		return d, WaitRetryAfter
	}
	if r.cfg.pollInterval > 0 {
		return r.cfg.pollInterval, WaitInterval
	}
	return schedule(r.polls), WaitSchedule
}

// wait blocks for d, or until the context ends. A wait that would pass the
// operation's deadline fails at once with ErrMaxWait. woke is when it
// ended: when its timer fired (the time the timer's channel carries: when
// it was due), or the clock's time after the hooks when d asks for no
// wait. The request that follows takes it as its send time instead of
// reading the clock again, which is not free.
func (r *run) wait(d time.Duration, reason WaitReason) (woke time.Time, _ error) {
	if time.Now().Add(d).After(r.deadline()) {
		return time.Time{}, r.maxWaitError()
	}
	for _, h := range r.cfg.hooks {
		if h.Waiting != nil {
			h.Waiting(WaitInfo{Context: r.ctx, Attempt: r.polls, Delay: d, Reason: reason})
		}
	}
	if err := r.ctx.Err(); err != nil {
		return time.Time{}, err
	}
	if d <= 0 {
		return time.Now(), nil
	}
	// One timer per operation: Reset and Stop leave no stale tick in its
	// channel (Go 1.23 timers).
	if r.timer == nil {
		r.timer = time.NewTimer(d)
	} else {
		r.timer.Reset(d)
	}
	select {
	case woke = <-r.timer.C:
		return woke, nil
	case <-r.ctx.Done():
		r.timer.Stop()
		return time.Time{}, r.ctx.Err()
	}
}

// fetch sends method to target and retries transient failures. With read,
// it reads the body (capped) and closes it; without, a 2xx body stays open
// for the caller and only other bodies are read. On ErrRetriesExhausted with
// a response, resp and body are the last answer.
//
// It counts the streak of answers with the same status that ended it
// (r.streak, since r.streakAt), for the ResponseError it may become.
// woke is when the wait before it ended (wait), or zero when none came
// before it: the first attempt's send time, read from the clock when zero.
func (r *run) fetch(target, source string, read bool, woke time.Time) (resp *http.Response, body []byte, err error) {
	first := woke
	if first.IsZero() {
		first = time.Now()
	}
	r.streak, r.streakAt = 0, first.Sub(r.start)
	sent := first
	for attempt := 0; ; attempt++ {
		prev := 0
		if resp != nil {
			prev = resp.StatusCode
		}
		resp, body, err = r.attempt(target, source, read, sent)
		switch {
		case resp == nil:
			r.streak = 0
		case resp.StatusCode == prev && r.streak > 0:
			r.streak++
		default:
			r.streak, r.streakAt = 1, sent.Sub(r.start)
		}
		if err != nil && (errors.Is(err, ErrInvalidURL) || errors.Is(err, ErrBodyTooLarge) || errors.Is(err, ErrTooManyRedirects)) {
			return nil, nil, err
		}
		if err != nil && !time.Now().Before(r.deadline()) {
			return nil, nil, r.maxWaitError()
		}
		retry, _ := r.cfg.checkRetry(r.ctx, resp, err)
		if !retry {
			return resp, body, err
		}
		if attempt >= r.cfg.maxRetries {
			if err != nil {
				return nil, nil, &retryError{url: target, attempts: attempt + 1, elapsed: time.Since(first), last: err}
			}
			return resp, body, ErrRetriesExhausted
		}
		wait := min(r.cfg.backoff(r.cfg.retryWaitMin, r.cfg.retryWaitMax, attempt, resp), r.cfg.maxDelay)
		if resp != nil {
			drain(resp.Body)
		}
		if sent, err = r.wait(wait, WaitRetry); err != nil {
			return nil, nil, err
		}
	}
}

// DefaultRetryPolicy is go-retryablehttp's DefaultRetryPolicy (connection
// errors, 429, and 5xx but 501) plus 408 Request Timeout.
func DefaultRetryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() == nil && err == nil && resp != nil && resp.StatusCode == http.StatusRequestTimeout {
		return true, nil
	}
	return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
}
