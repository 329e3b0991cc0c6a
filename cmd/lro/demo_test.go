package main

import (
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestDemo starts lro demo, runs the three commands it prints as a shell
// would, and stops it with Ctrl-C.
func TestDemo(t *testing.T) {
	t.Parallel()
	p := start(t, nil, "demo")
	p.waitFor(t, regexp.MustCompile(`lro -X PUT \S+/fail; echo "exit code \$\?"\n`), false, time.Minute)
	stdout, _ := p.output()
	var cmds []string
	for _, l := range lines(stdout) {
		if strings.HasPrefix(l, "  lro ") || strings.HasPrefix(l, "  TOKEN=") {
			cmds = append(cmds, strings.TrimSpace(l))
		}
	}
	if len(cmds) != 3 {
		t.Fatalf("demo printed %d commands, want 3:\n%s", len(cmds), stdout)
	}
	outs := make([]string, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if outs[i], err = shellRun(c); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	wants := []*regexp.Regexp{
		regexp.MustCompile(`^\{"id":"/resources/op\d+","name":"op\d+","properties":\{"provisioningState":"Succeeded"\}\}$`),
		regexp.MustCompile(`^\{"name":"op\d+","result":"done"\}$`),
		regexp.MustCompile(`^exit code 1\n$`),
	}
	for i, re := range wants {
		if !re.MatchString(outs[i]) {
			t.Errorf("%s printed %q, want /%s/", cmds[i], outs[i], re)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, time.Minute); code != exitOK {
		t.Errorf("demo exited %d after Ctrl-C, want 0", code)
	}
}
