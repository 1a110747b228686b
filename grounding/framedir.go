package grounding

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // frame folders may hold JPEG files
	_ "image/png"  // or PNG files
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadFrameDir reads a folder of frames, one PNG or JPEG file per frame in
// lexical order of their names (for example 00001.png, 00002.png...), taken
// at fps frames per second, and samples them uniformly to T frames
// (opt.Frames; the same rule as LoadVideoFile, with repetition when the
// folder holds fewer than T). Frames keep their size; they must all have the
// same size. Errors wrap ErrBadVideo and name the folder or file.
func LoadFrameDir(ctx context.Context, dir string, fps float64, opt VideoOptions) (*Video, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if !(fps > 0) {
		return nil, fmt.Errorf("grounding: frames %s: frame rate %v must be > 0", dir, fps)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("grounding: frames %s: %w: %w", dir, ErrBadVideo, err)
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("grounding: frames %s: %w: no PNG or JPEG files", dir, ErrBadVideo)
	}
	T := opt.Frames
	idx := sampleIndices(len(names), T)
	imgs := make([]image.Image, T)
	times := make([]float64, T)
	cache := make(map[int]image.Image)
	for i, k := range idx {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("grounding: frames %s: %w", dir, err)
		}
		img, ok := cache[k]
		if !ok {
			img, err = readImage(filepath.Join(dir, names[k]))
			if err != nil {
				return nil, fmt.Errorf("grounding: frames %s: %w", dir, err)
			}
			cache[k] = img
		}
		imgs[i] = img
		times[i] = float64(k) / fps
	}
	duration := float64(len(names)) / fps
	repeated := len(names) < T
	if repeated {
		for i := range times {
			times[i] = (float64(i) + 0.5) * duration / float64(T)
		}
	}
	v, err := FromImages(imgs, times, duration)
	if err != nil {
		return nil, fmt.Errorf("grounding: frames %s: %w", dir, err)
	}
	v.Repeated = repeated
	v.Source = dir
	return v, nil
}

func readImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadVideo, err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadVideo, path, err)
	}
	return img, nil
}
