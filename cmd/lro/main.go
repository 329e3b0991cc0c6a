// Command lro sends an HTTP request like curl and, when the response starts a
// long-running operation, waits for it to end and prints the final response.
//
//	lro -X PUT -H 'Authorization: Bearer …' --json @vm.json https://host/vms/vm1
//	lro resume TOKEN
//	lro poll TOKEN
//	lro cancel TOKEN
//	lro demo
//
// See README.md beside this file, or lro --help.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Exit codes, as --help documents them.
const (
	exitOK          = 0
	exitFailed      = 1   // the operation failed or was canceled
	exitUsage       = 2   // bad flags or arguments
	exitNetwork     = 3   // network or protocol error
	exitMaxWait     = 4   // --max-wait passed
	exitHTTPError   = 22  // --fail and a final status of 400 or more
	exitInterrupted = 130 // SIGINT or SIGTERM while waiting
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	env := &environ{
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		getenv:   os.Getenv,
		terminal: term.IsTerminal(int(os.Stderr.Fd())),
		width: func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil || w <= 0 {
				return 80
			}
			return w
		},
	}
	code := run(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}

// environ is what the command reads and writes besides the network.
type environ struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	terminal       bool       // stderr is a terminal: draw the live line
	width          func() int // stderr's width in columns
}
