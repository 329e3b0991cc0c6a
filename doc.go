// Package lro is an http.RoundTripper that completes long-running operations.
package lro
