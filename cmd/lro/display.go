package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/lrohttp/lro"
)

// Display modes.
const (
	silent = iota // -s: nothing
	plain         // stderr is not a terminal, or -v: timestamped lines
	live          // stderr is a terminal: one line, redrawn
)

// display shows an operation's progress on stderr, fed by lro's hooks.
// Its methods are safe for concurrent use: the live line is redrawn by a
// ticker goroutine too, so the spinner, elapsed time and countdown move
// while lro waits.
type display struct {
	mode  int
	w     io.Writer
	width func() int

	mu       sync.Mutex
	op       bool // an operation started
	start    time.Time
	status   string
	percent  float64
	hasPct   bool
	polls    int
	next     time.Time // when the next request goes, zero when none is due
	frame    int
	drawn    bool // the live line is on screen
	stopTick chan struct{}
	tickDone chan struct{}
}

func newDisplay(mode int, w io.Writer, width func() int) *display {
	return &display{mode: mode, w: w, width: width}
}

// hooks returns the lro hooks that feed the display.
func (d *display) hooks() lro.Hooks {
	return lro.Hooks{
		Started: func(i lro.StartInfo) {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.op, d.start, d.status = true, time.Now(), string(i.Status)
			switch d.mode {
			case plain:
				d.linef("operation started (%s), polling %s", i.Strategy, stripQuery(i.PollURL))
			case live:
				d.drawLocked()
				d.stopTick, d.tickDone = make(chan struct{}), make(chan struct{})
				go d.tick(d.stopTick, d.tickDone)
			}
		},
		Polled: func(i lro.PollInfo) {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.polls, d.next = i.Attempt, time.Time{}
			d.status = i.ServiceStatus
			if d.status == "" {
				d.status = string(i.Status)
			}
			if i.NotFound {
				d.status = "not visible yet (404)"
			}
			if i.HasPercentComplete {
				d.percent, d.hasPct = i.PercentComplete, true
			}
			switch d.mode {
			case plain:
				pct := ""
				if i.HasPercentComplete {
					pct = fmt.Sprintf(" %s%%", fmtPercent(i.PercentComplete))
				}
				d.linef("poll %d: %d %s%s", i.Attempt, i.StatusCode, clean(d.status), pct)
			case live:
				d.drawLocked()
			}
		},
		Waiting: func(i lro.WaitInfo) {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.next = time.Now().Add(i.Delay)
			if d.mode == live {
				d.drawLocked()
			}
		},
	}
}

// verbosef prints a -v line (plain mode only: -v turns the live line off).
func (d *display) verbosef(format string, a ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.linef(format, a...)
}

// waitf prints a -v wait line.
func (d *display) waitHook() lro.Hooks {
	return lro.Hooks{Waiting: func(i lro.WaitInfo) {
		d.verbosef("* waiting %s (%s)", i.Delay, i.Reason)
	}}
}

// finish ends the progress display with a one-line summary ("" for none).
func (d *display) finish(summary string) {
	d.mu.Lock()
	stop, done := d.stopTick, d.tickDone
	d.stopTick = nil
	d.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clearLocked()
	if summary != "" && d.op {
		switch d.mode {
		case plain:
			d.linef("%s", summary)
		case live:
			fmt.Fprintln(d.w, summary)
		}
	}
}

// message prints a line that must show whatever the mode (an error, a
// resume command), removing the live line first.
func (d *display) message(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clearLocked()
	fmt.Fprintln(d.w, s)
}

// started reports whether an operation started, and how long ago.
func (d *display) started() (bool, time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.op, time.Since(d.start)
}

func (d *display) tick(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(125 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			d.mu.Lock()
			d.frame++
			d.drawLocked()
			d.mu.Unlock()
		}
	}
}

// linef writes one timestamped line (plain mode); d.mu is held.
func (d *display) linef(format string, a ...any) {
	if d.mode != plain {
		return
	}
	fmt.Fprintf(d.w, "%s %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), fmt.Sprintf(format, a...))
}

// drawLocked redraws the live line; d.mu is held.
func (d *display) drawLocked() {
	if d.mode != live || !d.op {
		return
	}
	var b strings.Builder
	b.WriteByte(`|/-\`[d.frame%4])
	b.WriteByte(' ')
	b.WriteString(clean(d.status))
	if d.hasPct {
		const width = 20
		n := int(d.percent / 100 * width)
		n = max(0, min(width, n))
		fmt.Fprintf(&b, " [%s%s] %s%%", strings.Repeat("#", n), strings.Repeat(".", width-n), fmtPercent(d.percent))
	}
	fmt.Fprintf(&b, " | %s | %d polls", fmtElapsed(time.Since(d.start)), d.polls)
	if !d.next.IsZero() {
		left := time.Until(d.next)
		if left < 0 {
			left = 0
		}
		fmt.Fprintf(&b, " | next in %s", left.Round(100*time.Millisecond))
	}
	line := []rune(b.String())
	if w := d.width() - 1; w > 0 && len(line) > w {
		line = line[:w]
	}
	// \r to the start of the line, the line, then erase to its end.
	fmt.Fprintf(d.w, "\r%s\x1b[K", string(line))
	d.drawn = true
}

// clearLocked removes the live line; d.mu is held.
func (d *display) clearLocked() {
	if d.drawn {
		fmt.Fprint(d.w, "\r\x1b[K")
		d.drawn = false
	}
}

func fmtPercent(p float64) string {
	if p == float64(int64(p)) {
		return fmt.Sprintf("%d", int64(p))
	}
	return fmt.Sprintf("%.1f", p)
}

func fmtElapsed(d time.Duration) string {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// clean drops control characters from text a service sent, so that it
// cannot move the cursor or write escape codes to a log.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// stripQuery returns u without its query, which may hold signatures.
func stripQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment = "", false, "", ""
	return clean(p.Redacted())
}
