// Package legacy is a client written before its service had long-running
// operations: it treats 200 and 201 as success and anything else as an
// error. The retrofit example uses it unchanged.
package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Client calls the widget service through HTTP.
type Client struct {
	HTTP *http.Client
}

// Widget is a widget resource.
type Widget struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

// Report is the result of a report run.
type Report struct {
	Name   string `json:"name"`
	Result string `json:"result"`
}

// CreateWidget PUTs a widget at url.
func (c *Client) CreateWidget(ctx context.Context, url, name string) (*Widget, error) {
	var w Widget
	return &w, c.do(ctx, http.MethodPut, url, fmt.Sprintf(`{"name":%q}`, name), &w)
}

// RunReport POSTs a report run to url.
func (c *Client) RunReport(ctx context.Context, url string) (*Report, error) {
	var r Report
	return &r, c.do(ctx, http.MethodPost, url, `{}`, &r)
}

func (c *Client) do(ctx context.Context, method, url, body string, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("legacy: %s %s: unexpected status %s %s", method, req.URL.Path, resp.Status, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
