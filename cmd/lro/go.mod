module github.com/lrohttp/lro/cmd/lro

go 1.26.0

require (
	github.com/lrohttp/lro v0.0.0
	github.com/spf13/pflag v1.1.0
	golang.org/x/term v0.48.0
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/lrohttp/lro => ../..
