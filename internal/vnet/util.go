package vnet

import (
	"bytes"
	"os"
)

func readFile(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	return bytes.TrimSpace(b), err
}
