package grounding

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"gorgonia.org/tensor"
)

// VideoOptions control how a video file is decoded and sampled.
type VideoOptions struct {
	// Frames is T, the number of frames sampled uniformly over the clip;
	// 0 means DefaultFrames.
	Frames int
	// MaxSide bounds the longer side of the decoded frames in pixels, the
	// aspect ratio kept and both sides rounded to even numbers; 0 means 320.
	MaxSide int
	// Start and End restrict sampling to the source frames whose time
	// index/fps lies in [Start, End) seconds; End = 0 means the end of the
	// clip. Frame times stay those of the source.
	Start, End float64
	// FFmpeg and FFprobe are the programs to run; "" means "ffmpeg" and
	// "ffprobe" on PATH (Debian package ffmpeg).
	FFmpeg, FFprobe string
}

func (o VideoOptions) withDefaults() (VideoOptions, error) {
	if o.Frames == 0 {
		o.Frames = DefaultFrames
	}
	if o.MaxSide == 0 {
		o.MaxSide = 320
	}
	if o.FFmpeg == "" {
		o.FFmpeg = "ffmpeg"
	}
	if o.FFprobe == "" {
		o.FFprobe = "ffprobe"
	}
	if o.Frames < 1 || o.MaxSide < 2 {
		return o, fmt.Errorf("grounding: video options: frames %d and max side %d must be >= 1 and >= 2", o.Frames, o.MaxSide)
	}
	if math.IsNaN(o.Start) || math.IsNaN(o.End) || o.Start < 0 || o.End < 0 || (o.End > 0 && o.End <= o.Start) {
		return o, fmt.Errorf("grounding: video options: window [%v, %v) s is not a forward interval from 0", o.Start, o.End)
	}
	return o, nil
}

// probe is what LoadVideoFile needs to know about a file before decoding.
type probe struct {
	width, height int
	fps           float64
	duration      float64
	packets       int // video packets counted by demuxing: the frame count N
}

// LoadVideoFile decodes a video file with an ffmpeg subprocess and samples
// it uniformly to T frames (see VideoOptions): ffprobe counts the N frames,
// every frame is decoded at the output size, and frame floor((i+0.5) N / T)
// is kept as frame i, with time index/fps. A source with fewer than T
// frames is sampled with repetition: Video.Repeated is set and frame i gets
// the time (i+0.5) duration / T, the middle of its slot, so that times stay
// increasing. A missing, empty, truncated or non-video file is an error
// wrapping ErrBadVideo and naming the file.
func LoadVideoFile(ctx context.Context, path string, opt VideoOptions) (*Video, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("grounding: video %s: %w: %w", path, ErrBadVideo, err)
	}
	if st.IsDir() || st.Size() == 0 {
		return nil, fmt.Errorf("grounding: video %s: %w: empty file or a directory", path, ErrBadVideo)
	}
	p, err := probeVideo(ctx, opt.FFprobe, path)
	if err != nil {
		return nil, fmt.Errorf("grounding: video %s: %w", path, err)
	}
	w, h := fitSize(p.width, p.height, opt.MaxSide)
	T := opt.Frames
	first, n, err := window(p, opt.Start, opt.End)
	if err != nil {
		return nil, fmt.Errorf("grounding: video %s: %w", path, err)
	}
	idx := offset(sampleIndices(n, T), first)
	want := make(map[int]bool, T)
	for _, k := range idx {
		want[k] = true
	}
	frames, decoded, err := decodeFrames(ctx, opt.FFmpeg, path, w, h, want)
	if err != nil {
		return nil, fmt.Errorf("grounding: video %s: %w", path, err)
	}
	if decoded == 0 {
		return nil, fmt.Errorf("grounding: video %s: %w: no frame could be decoded", path, ErrBadVideo)
	}
	if decoded < first+n {
		// Fewer frames decode than the demuxer counted (a damaged tail):
		// sample the frames that did decode.
		n = decoded - first
		if n <= 0 {
			return nil, fmt.Errorf("grounding: video %s: %w: only %d of %d frames decode, none inside the window", path, ErrBadVideo, decoded, p.packets)
		}
		idx = offset(sampleIndices(n, T), first)
		for _, k := range idx {
			if frames[k] == nil {
				return nil, fmt.Errorf("grounding: video %s: %w: only %d of %d frames decode", path, ErrBadVideo, decoded, p.packets)
			}
		}
	}
	data := make([]float32, T*h*w*3)
	times := make([]float64, T)
	for i, k := range idx {
		src := frames[k]
		dst := data[i*h*w*3 : (i+1)*h*w*3]
		for j, b := range src {
			dst[j] = float32(b) / 255
		}
		times[i] = float64(k) / p.fps
	}
	v := &Video{
		Frames:   tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data)),
		Times:    times,
		Duration: math.Max(p.duration, float64(decoded)/p.fps),
		Repeated: n < T,
		Source:   path,
	}
	// Repeated frames share a time; spread them over the window so times
	// stay increasing.
	if v.Repeated {
		t0, t1 := float64(first)/p.fps, float64(first+n)/p.fps
		for i := range times {
			times[i] = t0 + (float64(i)+0.5)*(t1-t0)/float64(T)
		}
	}
	return v, nil
}

// window turns a [start, end) window in seconds into the first source
// frame and the number of frames inside it.
func window(p probe, start, end float64) (first, n int, err error) {
	first = int(math.Ceil(start*p.fps - 1e-9))
	last := p.packets
	if end > 0 {
		last = min(last, int(math.Ceil(end*p.fps-1e-9)))
	}
	if last <= first {
		return 0, 0, fmt.Errorf("%w: no frame inside [%v, %v) s of a %d-frame clip at %v fps", ErrBadVideo, start, end, p.packets, p.fps)
	}
	return first, last - first, nil
}

func offset(idx []int, by int) []int {
	for i := range idx {
		idx[i] += by
	}
	return idx
}

// fitSize scales (w,h) so that the longer side is at most maxSide, keeping
// the aspect ratio, with both sides even and at least 2.
func fitSize(w, h, maxSide int) (int, int) {
	s := math.Min(1, float64(maxSide)/float64(max(w, h)))
	even := func(v float64) int { return max(2, int(math.Round(v/2))*2) }
	return even(float64(w) * s), even(float64(h) * s)
}

func probeVideo(ctx context.Context, ffprobe, path string) (probe, error) {
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error", "-select_streams", "v:0",
		"-count_packets", "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,nb_read_packets:format=duration",
		"-of", "json", "--", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return probe{}, ctx.Err()
		}
		return probe{}, fmt.Errorf("%w: ffprobe: %v: %s", ErrBadVideo, err, strings.TrimSpace(stderr.String()))
	}
	var doc struct {
		Streams []struct {
			Width, Height int
			AvgFrameRate  string `json:"avg_frame_rate"`
			RFrameRate    string `json:"r_frame_rate"`
			Packets       string `json:"nb_read_packets"`
		}
		Format struct {
			Duration string
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return probe{}, fmt.Errorf("%w: ffprobe output: %v", ErrBadVideo, err)
	}
	if len(doc.Streams) == 0 {
		return probe{}, fmt.Errorf("%w: no video stream", ErrBadVideo)
	}
	s := doc.Streams[0]
	if s.Width <= 0 || s.Height <= 0 {
		return probe{}, fmt.Errorf("%w: video stream of %dx%d pixels", ErrBadVideo, s.Width, s.Height)
	}
	fps := parseRate(s.AvgFrameRate)
	if fps <= 0 {
		fps = parseRate(s.RFrameRate)
	}
	if fps <= 0 {
		return probe{}, fmt.Errorf("%w: unknown frame rate %q", ErrBadVideo, s.AvgFrameRate)
	}
	dur, _ := strconv.ParseFloat(doc.Format.Duration, 64)
	if math.IsNaN(dur) || dur < 0 || math.IsInf(dur, 0) {
		dur = 0
	}
	n, err := strconv.Atoi(s.Packets)
	if err != nil || n <= 0 {
		return probe{}, fmt.Errorf("%w: no video frames (packet count %q)", ErrBadVideo, s.Packets)
	}
	return probe{width: s.Width, height: s.Height, fps: fps, duration: dur, packets: n}, nil
}

// parseRate reads ffprobe's "num/den" rates; 0 when unusable.
func parseRate(r string) float64 {
	num, den, ok := strings.Cut(r, "/")
	if !ok {
		den = "1"
	}
	a, err1 := strconv.ParseFloat(num, 64)
	b, err2 := strconv.ParseFloat(den, 64)
	if err1 != nil || err2 != nil || b == 0 || math.IsNaN(a/b) || math.IsInf(a/b, 0) {
		return 0
	}
	return a / b
}

// decodeFrames runs ffmpeg to decode every frame at w x h as RGB bytes and
// keeps those whose index is in keep, so memory grows with T, not with the
// clip's length. It returns the kept frames by index and how many frames
// decoded.
func decodeFrames(ctx context.Context, ffmpeg, path string, w, h int, keep map[int]bool) (map[int][]byte, int, error) {
	cmd := exec.CommandContext(ctx, ffmpeg, "-nostdin", "-v", "error", "-i", path,
		"-map", "0:v:0", "-vf", fmt.Sprintf("scale=%d:%d:flags=area", w, h),
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("%w: starting ffmpeg: %v", ErrBadVideo, err)
	}
	r := bufio.NewReaderSize(out, 1<<20)
	buf := make([]byte, w*h*3)
	frames := make(map[int][]byte, len(keep))
	n := 0
	for ; ; n++ {
		if _, err := io.ReadFull(r, buf); err != nil {
			break
		}
		if keep[n] {
			frames[n] = append([]byte(nil), buf...)
		}
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("%w: ffmpeg: %v: %s", ErrBadVideo, err, strings.TrimSpace(stderr.String()))
	}
	return frames, n, nil
}
