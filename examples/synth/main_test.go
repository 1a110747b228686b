package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // substring of the error, "" for success
	}{
		{"ok", []string{"-n", "1", "-size", "64x64", "-dur", "2-3", "-format", "png", "-q"}, ""},
		{"no out", []string{"-n", "1"}, "-out"},
		{"bad size", []string{"-size", "64", "-q"}, "size"},
		{"odd size", []string{"-size", "63x64", "-q"}, "frame size"},
		{"bad dur", []string{"-dur", "5-2", "-q"}, "range"},
		{"fractional entities", []string{"-entities", "2.5-3", "-q"}, "whole numbers"},
		{"bad format", []string{"-format", "gif", "-q"}, "format"},
		{"bad pan", []string{"-pan", "often", "-q"}, "pan"},
		{"unknown flag", []string{"-frobnicate"}, "frobnicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tc.args
			if tc.name != "no out" {
				args = append([]string{"-out", dir}, args...)
			}
			var log bytes.Buffer
			err := run(context.Background(), args, &log)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("run(%q): %v", args, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error()+log.String(), tc.want)):
				t.Fatalf("run(%q): error %v, want one mentioning %q", args, err, tc.want)
			}
			if tc.want == "" {
				if _, err := os.Stat(filepath.Join(dir, "frames", "test-1-00000", "00000.png")); err != nil {
					t.Errorf("no first frame: %v", err)
				}
			}
		})
	}
}

// Example writes a tiny PNG split and prints its README line.
func Example() {
	dir, err := os.MkdirTemp("", "synth-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	args := []string{"-seed", "3", "-n", "2", "-out", dir, "-size", "64x48", "-dur", "2-4", "-format", "png", "-q"}
	if err := run(context.Background(), args, os.Stderr); err != nil {
		fmt.Println(err)
		return
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README"))
	fmt.Print(string(readme))
	// Output:
	// go run ./examples/synth -seed 3 -n 2 -split test -size 64x48 -fps 8 -dur 2-4 -entities 2-6 -format png
}
