package defaultdenoiser

import (
	"bytes"
	"embed"
	"fmt"
	"math/rand/v2"

	"github.com/videodit/videodit/diffusion"
)

//go:embed weights/config.json weights/model.safetensors weights/classifier/config.json weights/classifier/model.safetensors
var weights embed.FS

// read returns the config and weights of the embedded checkpoint in dir.
func read(dir string) (config []byte, model *bytes.Reader, size int64, err error) {
	config, err = weights.ReadFile(dir + "/config.json")
	if err != nil {
		return nil, nil, 0, fmt.Errorf("defaultdenoiser: %w", err)
	}
	b, err := weights.ReadFile(dir + "/model.safetensors")
	if err != nil {
		return nil, nil, 0, fmt.Errorf("defaultdenoiser: %w", err)
	}
	return config, bytes.NewReader(b), int64(len(b)), nil
}

// Denoiser returns a fresh copy of the pretrained default denoiser
// (diffusion.DefaultConfig sizes).
func Denoiser() (*diffusion.Denoiser, error) {
	c, r, n, err := read("weights")
	if err != nil {
		return nil, err
	}
	m, err := diffusion.ReadDenoiser(c, r, n)
	if err != nil {
		return nil, fmt.Errorf("defaultdenoiser: %w", err)
	}
	return m, nil
}

// Aux returns a fresh copy of the trained default auxiliary encoder, a
// diffusion.FrameClassifier of the benchmark's colours and shapes, and the
// names of its outputs.
func Aux() (*diffusion.FrameClassifier, []string, error) {
	c, r, n, err := read("weights/classifier")
	if err != nil {
		return nil, nil, err
	}
	f, cfg, err := diffusion.ReadFrameClassifier(c, r, n)
	if err != nil {
		return nil, nil, fmt.Errorf("defaultdenoiser: %w", err)
	}
	return f, cfg.Classes, nil
}

// Encoder returns a diffusion.Encoder over the pretrained denoiser with the
// options o and a projection g_phi to dv features initialised from seed.
// g_phi is untrained: the training recipe of the downstream stages learns
// it (the denoiser stays frozen).
func Encoder(o diffusion.Options, dv int, seed uint64) (*diffusion.Encoder, error) {
	m, err := Denoiser()
	if err != nil {
		return nil, err
	}
	return diffusion.NewEncoder(rand.New(rand.NewPCG(seed, 0)), m, dv, o)
}
