//go:build !(linux && vjail_embedinit)

package initbin

var initBinary, idleBinary, floorBinary []byte
