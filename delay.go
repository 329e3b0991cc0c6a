package lro

import (
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
// usable delay.
func retryAfter(h http.Header, now time.Time, maxDelay time.Duration) (d time.Duration, ok bool) {
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
		if d, ok := retryAfter(resp.Header, time.Now(), 1<<62); ok {
			return d
		}
	}
	return retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
}

// parseRetryAfter reads one Retry-After value, without a cap.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
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
	d := t.Sub(now)
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
