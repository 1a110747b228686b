package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxLine is the longest annotation line the line readers accept, in bytes.
const MaxLine = 1 << 20

// eachLine calls fn with every line of r and its 1-based number. It strips a
// trailing "\r" (CRLF files) and a UTF-8 byte-order mark on the first line,
// and skips lines that are empty or only white space.
func eachLine(r io.Reader, file string, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return parseErr(file, n+1, "line longer than %d bytes", MaxLine)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// readPath opens path and hands it, named by path, to read.
func readPath[T any](path string, read func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	return read(f, path)
}
