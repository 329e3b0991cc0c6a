package lrotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// answer is a response the service has decided on but not yet written.
type answer struct {
	status int
	header http.Header
	body   []byte
	fault  *Fault // delivery fault (Delay, Reset, Endless), if any
}

// write delivers a, applying its fault's delay, cut or endless body.
func (a *answer) write(w http.ResponseWriter, r *http.Request, quit <-chan struct{}) {
	f := a.fault
	if f != nil && f.Delay > 0 && !wait(r.Context(), quit, f.Delay) {
		return
	}
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	switch {
	case f != nil && f.Reset:
		cut(w, a)
	case f != nil && f.Endless:
		trickle(w, r, quit, a)
	default:
		if len(a.body) > 0 {
			h.Set("Content-Length", strconv.Itoa(len(a.body)))
		}
		w.WriteHeader(a.status)
		w.Write(a.body)
	}
}

// newAnswer is an answer with a status, empty headers and no body.
func newAnswer(status int) *answer {
	return &answer{status: status, header: http.Header{}}
}

// jsonAnswer is an answer with a JSON body: v marshalled, or v itself if
// it is a string (a JSON document supplied by the test).
func jsonAnswer(status int, v any) *answer {
	a := newAnswer(status)
	if s, ok := v.(string); ok {
		a.body = []byte(s)
	} else {
		b, err := json.Marshal(v)
		if err != nil {
			panic("lrotest: " + err.Error())
		}
		a.body = b
	}
	a.header.Set("Content-Type", "application/json")
	return a
}

// errorAnswer is an answer with an Azure error body.
func errorAnswer(status int, code, message string) *answer {
	return jsonAnswer(status, errorDoc{Error: &errorBody{Code: code, Message: message}})
}

type errorDoc struct {
	Error *errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// monitorDoc is the body of an Operation-Location or Azure-AsyncOperation
// status monitor.
type monitorDoc struct {
	ID               string     `json:"id"`
	Status           string     `json:"status"`
	PercentComplete  *int       `json:"percentComplete,omitempty"`
	ResourceLocation string     `json:"resourceLocation,omitempty"`
	Error            *errorBody `json:"error,omitempty"`
	// Result is a successful POST's result, as Azure's long-running RPC
	// operations carry it.
	Result json.RawMessage `json:"result,omitempty"`
}

// resourceDoc is an ARM resource document.
type resourceDoc struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

// failure is the error a failed or canceled operation reports:
// code "OperationCanceled" when Terminal starts with "cancel" (any case),
// "OperationFailed" otherwise.
func failure(id, terminal string) *errorBody {
	code := "OperationFailed"
	if strings.HasPrefix(strings.ToLower(terminal), "cancel") {
		code = "OperationCanceled"
	}
	return &errorBody{Code: code, Message: "operation " + id + " ended " + terminal}
}

func itoa(n int) string { return strconv.Itoa(n) }
