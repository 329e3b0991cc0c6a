package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// UploadPoller is the poller API of an upload, the counterpart of
// azure-core's LROPoller with a custom cancel: status, done, wait, done
// callbacks, a continuation token and cancel. Everything it knows is in its
// token; it sends requests only when asked to:
//
//   - Update takes one step (Transport.Poll): one request, no waiting, for
//     callers that cannot block, like a reconciler;
//   - Wait blocks until the upload ends (Transport.Resume);
//   - Cancel calls the service's cancel endpoint (Transport.Cancel).
//
// Ending Wait's context stops waiting; it does not cancel the upload.
// Cancel does.
type UploadPoller struct {
	client *FileClient

	mu        sync.Mutex
	token     string
	status    strategies.Status
	done      bool
	file      *File
	err       error
	callbacks []func(*File, error)
}

// BeginUpload starts an upload and returns at once.
func (c *FileClient) BeginUpload(ctx context.Context, name string) (*UploadPoller, error) {
	tok, err := c.startUpload(ctx, name)
	if err != nil {
		return nil, err
	}
	return c.UploadPollerFromToken(tok), nil
}

// UploadPollerFromToken rehydrates a poller from its continuation token.
func (c *FileClient) UploadPollerFromToken(token string) *UploadPoller {
	return &UploadPoller{client: c, token: token, status: strategies.InProgress}
}

// ContinuationToken returns a token from which UploadPollerFromToken, in
// this process or another, rebuilds the poller.
func (p *UploadPoller) ContinuationToken() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.token
}

// Status returns the last known status.
func (p *UploadPoller) Status() strategies.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Done reports whether the upload has ended.
func (p *UploadPoller) Done() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// AddDoneCallback registers f to run once the upload ends, with its result;
// at once when it already has.
func (p *UploadPoller) AddDoneCallback(f func(*File, error)) {
	p.mu.Lock()
	if !p.done {
		p.callbacks = append(p.callbacks, f)
		p.mu.Unlock()
		return
	}
	file, err := p.file, p.err
	p.mu.Unlock()
	f(file, err)
}

// Update sends one request and returns the status it learned.
func (p *UploadPoller) Update(ctx context.Context) (strategies.Status, error) {
	if p.Done() {
		return p.Status(), nil
	}
	res, err := p.client.lro.Poll(p.client.options(ctx), p.ContinuationToken())
	p.mu.Lock()
	p.status = res.Status
	if res.Token != "" {
		p.token = res.Token
	}
	p.mu.Unlock()
	switch {
	case res.Done && err == nil:
		f, err := readFile(res.Response)
		p.finish(f, err)
	case res.Done:
		p.finish(nil, err)
	case err != nil:
		return res.Status, err
	}
	return p.Status(), nil
}

// Wait blocks until the upload ends, or ctx does.
func (p *UploadPoller) Wait(ctx context.Context) (*File, error) {
	if !p.Done() {
		f, err := p.client.resumeUpload(ctx, p.ContinuationToken())
		var oe *lro.OperationError
		switch {
		case err == nil:
			p.finish(f, nil)
		case errors.As(err, &oe):
			p.finish(nil, err)
		default: // not over: keep the newest token and let the caller retry
			if tok, ok := lro.TokenFromError(err); ok {
				p.mu.Lock()
				p.token = tok
				p.mu.Unlock()
			}
			return nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.file, p.err
}

// Cancel asks the service to cancel the upload.
func (p *UploadPoller) Cancel(ctx context.Context) error {
	return p.client.lro.Cancel(p.client.options(ctx), p.ContinuationToken())
}

func (p *UploadPoller) finish(f *File, err error) {
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		return
	}
	p.done, p.file, p.err = true, f, err
	switch {
	case err == nil:
		p.status = strategies.Succeeded
	case p.status == strategies.InProgress:
		p.status = strategies.Failed
		var oe *lro.OperationError
		if errors.As(err, &oe) && oe.Status == strategies.Canceled {
			p.status = strategies.Canceled
		}
	}
	cbs := p.callbacks
	p.callbacks = nil
	p.mu.Unlock()
	for _, cb := range cbs {
		cb(f, err)
	}
}

func level3(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := httptest.NewServer(newFileService(3).Handler())
	defer srv.Close()
	client := NewFileClient(srv.URL, interval)
	callback := func(name string) func(*File, error) {
		return func(f *File, err error) {
			if err != nil {
				fmt.Fprintf(out, "callback %s: %v\n", name, err)
				return
			}
			fmt.Fprintf(out, "callback %s: %s %s\n", name, f.ID, f.Status)
		}
	}

	// Status, done, update, wait and a done callback.
	p, err := client.BeginUpload(ctx, "a.bin")
	if err != nil {
		return err
	}
	p.AddDoneCallback(callback("a.bin"))
	for !p.Done() {
		st, err := p.Update(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "a.bin: status %s, done %t\n", st, p.Done())
		if !p.Done() {
			time.Sleep(interval)
		}
	}

	// A continuation token, and cancel.
	p, err = client.BeginUpload(ctx, "b.bin")
	if err != nil {
		return err
	}
	tok := p.ContinuationToken()
	other := NewFileClient(srv.URL, interval).UploadPollerFromToken(tok) // another process
	other.AddDoneCallback(callback("b.bin"))
	if err := other.Cancel(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "b.bin: cancel accepted")
	if _, err := other.Wait(ctx); err == nil {
		return errors.New("a canceled upload succeeded")
	}
	fmt.Fprintf(out, "b.bin: status %s, done %t\n", other.Status(), other.Done())

	// Canceling an upload that is over fails with the service's answer.
	f, err := p.Wait(ctx)
	if err != nil {
		fmt.Fprintf(out, "b.bin: wait after cancel: %v\n", err)
	} else {
		fmt.Fprintf(out, "b.bin: %s\n", f.Status)
	}
	var re *lro.ResponseError
	if err := client.UploadPollerFromToken(tok).Cancel(ctx); errors.As(err, &re) {
		fmt.Fprintf(out, "b.bin: cancel again: %d\n", re.StatusCode)
	}
	return nil
}
