module github.com/lrohttp/lro

go 1.26

require (
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/jarcoal/httpmock v1.4.2
	go.uber.org/goleak v1.3.0
)

require github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
