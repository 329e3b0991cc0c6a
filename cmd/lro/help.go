package main

import (
	"fmt"
	"io"
)

const helpHead = `lro: curl that waits for long-running operations.

Usage:
  lro [flags] URL        send a request; if it starts an operation, wait for it
                         and print the final response (flags may follow the URL)
  lro resume TOKEN       wait for an operation from its resume token
  lro poll TOKEN         one step: print {"status","done","percent","next","token"}
  lro cancel TOKEN       ask the service to cancel (protocols that can)
  lro demo               serve a simulated service on loopback, print commands

The final body goes to stdout byte for byte. Progress goes to stderr: one live
line on a terminal, timestamped lines otherwise, nothing with -s. Ctrl-C or
SIGTERM stops waiting (never the operation) and prints the resume command.
Under resume, poll and cancel, credentials and -H headers go only to
--trusted-host hosts (--safe-header ones anywhere).

Flags:
`

const helpExit = `
Exit codes:
  0    success
  1    the operation failed or was canceled (the service's code and message
       on stderr; the failure response on stdout with -i)
  2    usage: bad flags or arguments, an invalid token
  3    network or protocol error
  4    --max-wait passed (the resume command is printed)
  22   --fail and a final HTTP status of 400 or more
  130  interrupted by SIGINT or SIGTERM (the resume command is printed)
`

func printHelp(w io.Writer, cmd string) {
	if cmd == "demo" {
		fmt.Fprint(w, `Usage: lro demo [--addr 127.0.0.1:PORT]

Starts a simulated service (the library's lrotest) on a loopback port, prints
three commands to paste into another terminal, and serves until Ctrl-C.
`)
		return
	}
	fmt.Fprint(w, helpHead)
	fmt.Fprint(w, newFlagSet(&config{}).FlagUsages())
	fmt.Fprint(w, helpExit)
}
