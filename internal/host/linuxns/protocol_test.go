package linuxns

import (
	"testing"

	"github.com/vjail/vjail/internal/jsoncheck"
)

type (
	plainConfig   InitConfig
	plainRequest  Request
	plainResponse Response
)

// TestGeneratedJSON checks protocol_easyjson.go against the types it was
// generated for.
func TestGeneratedJSON(t *testing.T) {
	jsoncheck.Agree[InitConfig, plainConfig](t)
	jsoncheck.Agree[Request, plainRequest](t)
	jsoncheck.Agree[Response, plainResponse](t)
}
