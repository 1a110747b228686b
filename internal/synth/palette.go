package synth

// colourDef is a named entity colour; rgb components are in [0,1].
type colourDef struct {
	name string
	rgb  [3]float64
}

// colours is the colour vocabulary. The backgrounds are muted (low
// saturation, mid brightness), so every entry stays distinct from them.
var colours = [...]colourDef{
	{"red", [3]float64{0.86, 0.16, 0.16}},
	{"orange", [3]float64{0.96, 0.55, 0.08}},
	{"yellow", [3]float64{0.94, 0.86, 0.16}},
	{"green", [3]float64{0.16, 0.70, 0.24}},
	{"cyan", [3]float64{0.16, 0.82, 0.86}},
	{"blue", [3]float64{0.16, 0.31, 0.90}},
	{"purple", [3]float64{0.55, 0.20, 0.78}},
	{"pink", [3]float64{0.96, 0.47, 0.75}},
	{"white", [3]float64{0.96, 0.96, 0.96}},
	{"black", [3]float64{0.06, 0.06, 0.06}},
}

// sizeNames are the two entity sizes, small first.
var sizeNames = [2]string{"small", "large"}

// Colours returns the colour names an entity can have, in a fixed order.
func Colours() []string {
	out := make([]string, len(colours))
	for i, c := range colours {
		out[i] = c.name
	}
	return out
}

// Shapes returns the shape names an entity can have, in a fixed order.
func Shapes() []string {
	out := make([]string, len(shapes))
	for i, s := range shapes {
		out[i] = s.name
	}
	return out
}

// Sizes returns the size names ("small", "large").
func Sizes() []string { return []string{sizeNames[0], sizeNames[1]} }
