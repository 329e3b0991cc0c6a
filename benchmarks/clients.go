package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/lrohttp/lro"
)

// client runs one whole operation and decodes its result, the way a
// program would: PUT (Operation-Location, final GET) or POST (Location).
// They send the same requests and bodies: lro, hand and floor the same
// bytes, azcore with its own User-Agent and no Accept on its GETs
// (TestSameRequests).
type client interface {
	put(ctx context.Context, url string) (Resource, error)
	post(ctx context.Context, url string) (Resource, error)
}

// interval is the poll interval every client uses when the service sends
// no Retry-After: the smallest each accepts, so waits do not dominate.
const interval = time.Nanosecond

// ---- lro ----------------------------------------------------------------

type lroClient struct{ c *http.Client }

func newLRO(base http.RoundTripper, opts ...lro.Option) client {
	opts = append([]lro.Option{lro.WithPollInterval(interval)}, opts...)
	return lroClient{&http.Client{Transport: lro.New(base, opts...)}}
}

func (c lroClient) put(ctx context.Context, url string) (Resource, error) {
	return c.do(ctx, http.MethodPut, url)
}

func (c lroClient) post(ctx context.Context, url string) (Resource, error) {
	return c.do(ctx, http.MethodPost, url)
}

func (c lroClient) do(ctx context.Context, method, url string) (Resource, error) {
	resp, err := c.c.Do(newRequest(ctx, method, url))
	if err != nil {
		return Resource{}, err
	}
	return decode(resp, http.StatusOK)
}

// ---- hand-written net/http loop -----------------------------------------

type handClient struct {
	c        *http.Client
	interval time.Duration
}

func newHand(base http.RoundTripper) client {
	return handClient{&http.Client{Transport: base}, interval}
}

func (c handClient) put(ctx context.Context, url string) (Resource, error) {
	resp, err := c.c.Do(newRequest(ctx, http.MethodPut, url))
	if err != nil {
		return Resource{}, err
	}
	drain(resp)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return Resource{}, fmt.Errorf("PUT: %s", resp.Status)
	}
	mon := resp.Header.Get("Operation-Location")
	h := resp.Header
	for {
		if err := c.wait(ctx, h); err != nil {
			return Resource{}, err
		}
		resp, err := c.get(ctx, mon)
		if err != nil {
			return Resource{}, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return Resource{}, err
		}
		var st struct {
			Status string `json:"status"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &st) != nil {
			return Resource{}, fmt.Errorf("monitor: %s", resp.Status)
		}
		switch strings.ToLower(st.Status) {
		case "succeeded":
			resp, err := c.get(ctx, url)
			if err != nil {
				return Resource{}, err
			}
			return decode(resp, http.StatusOK)
		case "failed", "canceled", "cancelled":
			return Resource{}, errors.New("operation " + st.Status)
		}
		h = resp.Header
	}
}

func (c handClient) post(ctx context.Context, url string) (Resource, error) {
	resp, err := c.c.Do(newRequest(ctx, http.MethodPost, url))
	if err != nil {
		return Resource{}, err
	}
	drain(resp)
	if resp.StatusCode != http.StatusAccepted {
		return Resource{}, fmt.Errorf("POST: %s", resp.Status)
	}
	loc := resp.Header.Get("Location")
	for {
		if err := c.wait(ctx, resp.Header); err != nil {
			return Resource{}, err
		}
		resp, err = c.get(ctx, loc)
		if err != nil {
			return Resource{}, err
		}
		if resp.StatusCode != http.StatusAccepted {
			return decode(resp, http.StatusOK)
		}
		drain(resp)
		if l := resp.Header.Get("Location"); l != "" {
			loc = l
		}
	}
}

func (c handClient) get(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header["Accept"] = []string{"application/json"}
	return c.c.Do(req)
}

// wait honours retry-after-ms (all the service sends), else the interval.
func (c handClient) wait(ctx context.Context, h http.Header) error {
	d := c.interval
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
			d = time.Duration(ms) * time.Millisecond
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ---- azcore --------------------------------------------------------------

type azClient struct {
	pl        runtime.Pipeline
	frequency time.Duration
}

// newAzcore builds the pipeline the way generated clients do, with default
// retry and telemetry policies, over t.
func newAzcore(t policy.Transporter) client {
	pl := runtime.NewPipeline("benchclient", "v1.0.0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport: t,
		Retry:     policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond},
	})
	// PollUntilDone refuses a Frequency under 1 s outside tests; under
	// `go test` (the test.v flag is defined) it accepts any positive value.
	return azClient{pl: pl, frequency: interval}
}

func (c azClient) put(ctx context.Context, url string) (Resource, error) {
	return c.do(ctx, http.MethodPut, url, http.StatusOK, http.StatusCreated)
}

func (c azClient) post(ctx context.Context, url string) (Resource, error) {
	return c.do(ctx, http.MethodPost, url, http.StatusAccepted)
}

func (c azClient) do(ctx context.Context, method, url string, codes ...int) (Resource, error) {
	req, err := runtime.NewRequest(ctx, method, url)
	if err != nil {
		return Resource{}, err
	}
	req.Raw().Header["Accept"] = []string{"application/json"}
	if err := req.SetBody(streaming.NopCloser(bytes.NewReader(putBody)), "application/json"); err != nil {
		return Resource{}, err
	}
	resp, err := c.pl.Do(req)
	if err != nil {
		return Resource{}, err
	}
	if !runtime.HasStatusCode(resp, codes...) {
		return Resource{}, runtime.NewResponseError(resp)
	}
	p, err := runtime.NewPoller[Resource](resp, c.pl, nil)
	if err != nil {
		return Resource{}, err
	}
	return p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: c.frequency})
}

// ---- shared ----------------------------------------------------------------

// newRequest is the initial request: the same JSON body and headers for
// every client.
func newRequest(ctx context.Context, method, url string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(putBody))
	if err != nil {
		panic(err)
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["Content-Type"] = []string{"application/json"}
	return req
}

// decode reads a final response into a Resource.
func decode(resp *http.Response, want int) (Resource, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Resource{}, err
	}
	if resp.StatusCode != want {
		return Resource{}, fmt.Errorf("result: %s", resp.Status)
	}
	var r Resource
	if err := json.Unmarshal(body, &r); err != nil {
		return Resource{}, err
	}
	return r, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
