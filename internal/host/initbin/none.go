//go:build !(linux && vjail_embedinit)

package initbin

var binary []byte
