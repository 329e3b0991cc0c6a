package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// fileService is a simulated file-upload service with no status URL:
//
//	POST /files                 starts an upload: 202 {"file_id": "f1"}, no header
//	GET  /files/{id}            404 until the file is there, then 200 {"file_id", "status": "Uploaded", "size"}
//	                            (or {"status": "Canceled"} once canceled)
//	POST /files/{id}/cancel     cancels an upload in progress: 202; 409 once it is over
//
// Like lrotest, it advances by requests, not time: each upload is there
// after pollsUntilReady GETs.
type fileService struct {
	pollsUntilReady int

	mu    sync.Mutex
	next  int
	files map[string]*upload
}

type upload struct {
	polls    int // GETs left before the file is there
	canceled bool
}

func newFileService(pollsUntilReady int) *fileService {
	return &fileService{pollsUntilReady: pollsUntilReady, files: map[string]*upload{}}
}

func (s *fileService) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /files", s.create)
	mux.HandleFunc("GET /files/{id}", s.get)
	mux.HandleFunc("POST /files/{id}/cancel", s.cancel)
	return mux
}

func (s *fileService) create(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.next++
	id := "f" + strconv.Itoa(s.next)
	s.files[id] = &upload{polls: s.pollsUntilReady}
	s.mu.Unlock()
	reply(w, http.StatusAccepted, map[string]any{"file_id": id})
}

func (s *fileService) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.files[id]
	switch {
	case u == nil:
		reply(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "FileNotFound"}})
	case u.canceled:
		reply(w, http.StatusOK, map[string]any{"file_id": id, "status": "Canceled"})
	case u.polls > 0:
		u.polls--
		reply(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "FileNotFound"}})
	default:
		reply(w, http.StatusOK, map[string]any{"file_id": id, "status": "Uploaded", "size": 1024})
	}
}

func (s *fileService) cancel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.files[r.PathValue("id")]
	switch {
	case u == nil:
		reply(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "FileNotFound"}})
	case u.canceled || u.polls == 0:
		reply(w, http.StatusConflict, map[string]any{"error": map[string]string{"code": "UploadOver"}})
	default:
		u.canceled = true
		w.WriteHeader(http.StatusAccepted)
	}
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
