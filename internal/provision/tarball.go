package provision

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Tarball fills dir from a tar archive, plain or compressed with gzip,
// bzip2 or xz (FreeBSD's base.txz among them), recognised by its first
// bytes. Every entry is resolved inside dir: names with ".." or an absolute
// path, and links that would take a later entry out of dir, are refused,
// and no symlink is followed when creating a file (see createInRoot).
// progress, if set, is told each entry's name.
func Tarball(file string, progress func(name string)) func(dir string) error {
	return func(dir string) error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r, finish, err := decompress(bufio.NewReader(f))
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		return finish(extractAll(file, dir, tar.NewReader(r), progress))
	}
}

// extractAll extracts every entry of tr into dir (see Tarball); file
// names the archive in errors.
func extractAll(file, dir string, tr *tar.Reader, progress func(name string)) error {
	root, err := os.OpenFile(dir, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer root.Close()
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		for _, part := range strings.Split(h.Name, "/") {
			if part == ".." {
				return fmt.Errorf("%s: entry %q leaves the archive's root", file, h.Name)
			}
		}
		// "/etc/x" and "./etc/x" are both etc/x of the jail.
		name := path.Clean("/" + h.Name)
		if name == "/" {
			continue
		}
		if progress != nil {
			progress(name)
		}
		if err := extractEntry(root, name, h, tr); err != nil {
			return fmt.Errorf("%s: %s: %w", file, h.Name, err)
		}
	}
}
