package synth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Format is a set of output forms for the videos.
type Format uint8

const (
	// FormatMP4 writes videos/ID.mp4 through ffmpeg (libx264, yuv420p).
	FormatMP4 Format = 1 << iota
	// FormatPNG writes frames/ID/00000.png, 00001.png, ...
	FormatPNG
)

// String returns the form as the -format flag spells it ("mp4,png").
func (f Format) String() string {
	var parts []string
	if f&FormatMP4 != 0 {
		parts = append(parts, "mp4")
	}
	if f&FormatPNG != 0 {
		parts = append(parts, "png")
	}
	return strings.Join(parts, ",")
}

// WriteOptions tunes WriteSplit. The zero value writes mp4 with one worker
// per CPU.
type WriteOptions struct {
	// Format is the video output; 0 means FormatMP4.
	Format Format
	// Workers generating videos at once; 0 means runtime.NumCPU(). The
	// output does not depend on it.
	Workers int
	// FFmpeg is the ffmpeg executable; "" means "ffmpeg" on the PATH.
	FFmpeg string
	// Progress, when set, is called after each finished video with the
	// number done so far; calls are serialised.
	Progress func(done, total int)
}

// WriteSplit generates videos 0..n-1 of (cfg, seed) into dir:
//
//   - charades.txt: "ID START END##QUERY" per query, in video order, times
//     with 2 decimals (Go's %.2f of the exact span; see Meta);
//   - qa.jsonl: one QA object per line;
//   - meta/ID.json: the Meta of each video;
//   - videos/ID.mp4 and/or frames/ID/%05d.png;
//   - README: one line with the command and flags that make the split.
//
// Every file is written to a temporary name and renamed when complete.
// The same arguments give byte-identical annotations and PNGs on any
// machine; mp4 bytes are stable for one ffmpeg build (single-threaded
// libx264, bit-exact flags, no metadata).
func WriteSplit(ctx context.Context, dir string, cfg Config, seed uint64, n int, opt WriteOptions) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("synth: video count %d is negative", n)
	}
	if opt.Format == 0 {
		opt.Format = FormatMP4
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.FFmpeg == "" {
		opt.FFmpeg = "ffmpeg"
	}
	for _, sub := range []string{"meta", "videos", "frames"} {
		if sub == "videos" && opt.Format&FormatMP4 == 0 || sub == "frames" && opt.Format&FormatPNG == 0 {
			continue
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("synth: output %s: %w", dir, err)
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lines := make([][2][]byte, n) // per video: charades lines, qa lines
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(opt.Workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ch, qa, err := writeVideo(ctx, dir, cfg, seed, i, opt)
				if err != nil {
					cancel(err)
					continue
				}
				lines[i] = [2][]byte{ch, qa}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, n)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	var ch, qa bytes.Buffer
	for _, l := range lines {
		ch.Write(l[0])
		qa.Write(l[1])
	}
	readme := fmt.Sprintf("go run ./examples/synth -seed %d -n %d -split %s -size %dx%d -fps %s -dur %s-%s -entities %d-%d -format %s\n",
		seed, n, cfg.Split, cfg.Width, cfg.Height, fmtNum(cfg.FPS), fmtNum(cfg.MinDuration), fmtNum(cfg.MaxDuration),
		cfg.MinEntities, cfg.MaxEntities, opt.Format)
	for name, b := range map[string][]byte{"charades.txt": ch.Bytes(), "qa.jsonl": qa.Bytes(), "README": []byte(readme)} {
		if err := writeAtomic(filepath.Join(dir, name), b); err != nil {
			return err
		}
	}
	return nil
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeVideo generates one video, writes its meta and frames, and returns
// its charades.txt and qa.jsonl lines.
func writeVideo(ctx context.Context, dir string, cfg Config, seed uint64, i int, opt WriteOptions) (charades, qa []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	v, err := Generate(cfg, seed, i)
	if err != nil {
		return nil, nil, err
	}
	m := v.Meta
	b, err := json.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("synth: video %s: %w", m.ID, err)
	}
	if err := writeAtomic(filepath.Join(dir, "meta", m.ID+".json"), append(b, '\n')); err != nil {
		return nil, nil, err
	}
	if opt.Format&FormatPNG != 0 {
		if err := writePNGs(ctx, filepath.Join(dir, "frames", m.ID), v); err != nil {
			return nil, nil, err
		}
	}
	if opt.Format&FormatMP4 != 0 {
		if err := encodeMP4(ctx, opt.FFmpeg, filepath.Join(dir, "videos", m.ID+".mp4"), v); err != nil {
			return nil, nil, err
		}
	}
	var ch, qb bytes.Buffer
	for _, q := range m.Queries {
		fmt.Fprintf(&ch, "%s %.2f %.2f##%s\n", m.ID, q.Start, q.End, q.Text)
	}
	for _, q := range m.QA {
		b, err := json.Marshal(q)
		if err != nil {
			return nil, nil, fmt.Errorf("synth: video %s: %w", m.ID, err)
		}
		qb.Write(append(b, '\n'))
	}
	return ch.Bytes(), qb.Bytes(), nil
}

// writeAtomic writes b to path through a temporary file and a rename.
func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("synth: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("synth: write %s: %w", path, err)
	}
	return nil
}

// writePNGs writes every frame of v as dir/%05d.png (best speed
// compression), building the folder under a temporary name.
func writePNGs(ctx context.Context, dir string, v *Video) error {
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("synth: frames %s: %w", dir, err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("synth: frames %s: %w", dir, err)
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	var buf bytes.Buffer
	for t := range v.Meta.Frames {
		if err := ctx.Err(); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		img, err := v.Frame(t)
		if err != nil {
			return err
		}
		buf.Reset()
		if err := enc.Encode(&buf, img); err != nil {
			return fmt.Errorf("synth: frames %s: %w", dir, err)
		}
		if err := os.WriteFile(filepath.Join(tmp, fmt.Sprintf("%05d.png", t)), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("synth: frames %s: %w", dir, err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("synth: frames %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("synth: frames %s: %w", dir, err)
	}
	return nil
}

// encodeMP4 pipes v's frames as raw rgb24 into ffmpeg, which writes an
// H.264 (libx264, yuv420p) mp4 to path through a temporary file.
func encodeMP4(ctx context.Context, ffmpeg, path string, v *Video) error {
	m := v.Meta
	tmp := path + ".tmp"
	cmd := exec.CommandContext(ctx, ffmpeg,
		"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", m.Width, m.Height),
		"-framerate", fmtNum(m.FPS), "-i", "pipe:0",
		"-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
		"-threads", "1", "-x264-params", "threads=1:lookahead-threads=1",
		"-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
		"-f", "mp4", tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("synth: ffmpeg for %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("synth: start ffmpeg (%s) for %s: %w", ffmpeg, path, err)
	}
	w := bufio.NewWriterSize(stdin, 1<<16)
	frame := make([]byte, m.Width*m.Height*3)
	var werr error
	for t := 0; t < m.Frames && werr == nil; t++ {
		if werr = v.RGB(t, frame); werr == nil {
			_, werr = w.Write(frame)
		}
	}
	if werr == nil {
		werr = w.Flush()
	}
	cerr := stdin.Close()
	err = cmd.Wait()
	if err == nil {
		err = errors.Join(werr, cerr)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("synth: ffmpeg for %s: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("synth: write %s: %w", path, err)
	}
	return nil
}
