package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// uploadStrategy is the "polling method" of a service with no status URL:
// POST /files answers 202 {"file_id": "f1"} and nothing else, and the file
// is there once GET /files/f1 stops answering 404.
//
// No built-in strategy applies to a 202 without a polling header, so this
// one says in Applies that it does, for a POST to /files. It keeps the file id
// in Operation.Data, so resume tokens carry it (its continuation token),
// and implements strategies.Canceler (level 3). The 404s never reach it:
// the client's options (FileClient.options) tell lro that a 404 means "not
// there yet" for as long as the operation may last.
type uploadStrategy struct{}

// uploadState is the strategy's own state, in resume tokens.
type uploadState struct {
	FileID string `json:"fileID"`
}

func (uploadStrategy) Name() string { return "file-upload" }

// Applies to the 202 to POST /files.
func (uploadStrategy) Applies(method string, u *url.URL, status int, _ http.Header) bool {
	return method == http.MethodPost && status == http.StatusAccepted && strings.TrimSuffix(u.Path, "/") == "/files"
}

func (s uploadStrategy) Start(init *strategies.Initial) (*strategies.Operation, error) {
	if !s.Applies(init.Method, init.URL, init.Response.StatusCode, init.Response.Header) {
		return nil, nil
	}
	var b struct {
		FileID string `json:"file_id"`
	}
	if json.Unmarshal(init.Response.Body, &b) != nil || b.FileID == "" {
		return nil, errors.New("file upload: no file_id in the response")
	}
	poll, err := strategies.Resolve(init.Response.URL, "file_id", "/files/"+url.PathEscape(b.FileID))
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(uploadState{FileID: b.FileID})
	if err != nil {
		return nil, err
	}
	return &strategies.Operation{
		Strategy: s.Name(),
		Method:   init.Method,
		URL:      init.URL.String(),
		PollURL:  poll.String(),
		Status:   strategies.InProgress,
		Data:     data,
	}, nil
}

// Update reads a 2xx GET of the file: it is there, or canceled.
func (uploadStrategy) Update(op *strategies.Operation, resp *strategies.Response) error {
	var b struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(resp.Body, &b); err != nil {
		return fmt.Errorf("file upload: reading %s: %w", op.PollURL, err)
	}
	op.ServiceStatus = b.Status
	op.Status = strategies.Succeeded
	if strings.EqualFold(b.Status, "Canceled") {
		op.Status = strategies.Canceled
	}
	return nil
}

// Result is the zero Result: the GET that found the file is the result.
func (uploadStrategy) Result(*strategies.Operation, *strategies.Response) strategies.Result {
	return strategies.Result{}
}

// CancelRequest makes the strategy a strategies.Canceler: POST
// /files/{id}/cancel, the id read back from the token's state.
func (uploadStrategy) CancelRequest(op *strategies.Operation) (string, string, error) {
	var st uploadState
	if err := json.Unmarshal(op.Data, &st); err != nil || st.FileID == "" {
		return "", "", errors.New("file upload: no file id in the operation")
	}
	base, err := url.Parse(op.URL)
	if err != nil {
		return "", "", err
	}
	u, err := strategies.Resolve(base, "file_id", "/files/"+url.PathEscape(st.FileID)+"/cancel")
	if err != nil {
		return "", "", err
	}
	return http.MethodPost, u.String(), nil
}

// File is an uploaded file.
type File struct {
	ID     string `json:"file_id"`
	Status string `json:"status"`
	Size   int    `json:"size"`
}

// FileClient is a client of the file service, its uploads completed by lro.
type FileClient struct {
	baseURL  string
	interval time.Duration
	lro      *lro.Transport
	http     *http.Client
}

// chain is the default chain plus the upload strategy.
func chain() []strategies.Strategy {
	return append(lro.DefaultStrategies(), uploadStrategy{})
}

// NewFileClient returns a client of the service at baseURL whose uploads
// are polled every interval.
func NewFileClient(baseURL string, interval time.Duration) *FileClient {
	t := lro.New(http.DefaultTransport, lro.WithStrategies(chain()...))
	return &FileClient{baseURL: baseURL, interval: interval, lro: t, http: &http.Client{Transport: t}}
}

// options are the polling method's settings for one call: its own interval
// (the service sends no Retry-After), 404 meaning "not there yet" for as
// long as an operation may last, and the strategy, for ResumeToken, which
// knows no Transport.
func (c *FileClient) options(ctx context.Context, extra ...lro.Option) context.Context {
	return lro.WithOptions(ctx, append([]lro.Option{lro.WithPollInterval(c.interval),
		lro.WithNotFoundGrace(lro.DefaultMaxWait), lro.WithStrategies(chain()...)}, extra...)...)
}

// Upload uploads a file and waits until the service has it.
func (c *FileClient) Upload(ctx context.Context, name string, extra ...lro.Option) (*File, error) {
	req, err := http.NewRequestWithContext(c.options(ctx, extra...), http.MethodPost, c.baseURL+"/files", strings.NewReader(name))
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	return readFile(resp)
}

func readFile(resp *http.Response) (*File, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("file upload: %s: %s", resp.Status, b)
	}
	var f File
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// startUpload sends the upload without waiting and returns its token.
func (c *FileClient) startUpload(ctx context.Context, name string) (string, error) {
	req, err := http.NewRequestWithContext(lro.WithoutPolling(c.options(ctx)), http.MethodPost, c.baseURL+"/files", strings.NewReader(name))
	if err != nil {
		return "", err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return lro.ResumeToken(resp)
}

// resumeUpload waits for an upload a token describes.
func (c *FileClient) resumeUpload(ctx context.Context, token string) (*File, error) {
	resp, err := c.lro.Resume(c.options(ctx), token)
	if err != nil {
		return nil, err
	}
	return readFile(resp)
}

func level2(ctx context.Context, out io.Writer, interval time.Duration) error {
	srv := httptest.NewServer(newFileService(2).Handler())
	defer srv.Close()
	client := NewFileClient(srv.URL, interval)

	// The polling loop, seen through hooks.
	trace := lro.WithHooks(lro.Hooks{
		Started: func(i lro.StartInfo) {
			fmt.Fprintf(out, "started %s, polling %s\n", i.Strategy, strings.TrimPrefix(i.PollURL, srv.URL))
		},
		Polled: func(i lro.PollInfo) {
			fmt.Fprintf(out, "poll %d: %d notFound=%t status=%s\n", i.Attempt, i.StatusCode, i.NotFound, i.Status)
		},
		Waiting: func(i lro.WaitInfo) {
			if i.Delay != interval || i.Reason != lro.WaitInterval {
				fmt.Fprintf(out, "unexpected wait %v (%s)\n", i.Delay, i.Reason)
			}
		},
	})
	f, err := client.Upload(ctx, "report.pdf", trace)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "uploaded %s: %s, %d bytes\n", f.ID, f.Status, f.Size)

	// Its continuation token: start, keep the token, and finish from
	// another client (another process would do the same).
	tok, err := client.startUpload(ctx, "notes.txt")
	if err != nil {
		return err
	}
	f, err = NewFileClient(srv.URL, interval).resumeUpload(ctx, tok)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "resumed from a token: %s %s\n", f.ID, f.Status)
	return nil
}
