package main

import (
	"context"
	"errors"
	"io"
)

func trainAux(ctx context.Context, o options, w io.Writer) error {
	return errors.New("aux training: not yet written")
}
