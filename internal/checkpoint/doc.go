// Package checkpoint stores a model as a directory holding model.safetensors
// (the weights, float32, named by struct tags) and config.json (the model's
// configuration), and binds tensors to struct fields by their st tags.
//
// Parameters are *tensor.Dense (float32) fields tagged `st:"name"` or
// `st:"name,optional"`; nested structs, pointers to structs, slices and
// arrays add their tag and index as dotted prefixes (Walk documents the
// rules), giving Hugging Face style names such as "blocks.0.attn.q.weight".
//
// Save (F32) and SaveAs (F16 or BF16, half the size) write both files
// through temporary files renamed into place. Load
// checks the whole file against the model (every required tensor present,
// no extra tensor, shapes equal, values finite) before changing the model.
// The usual sequence is ReadConfig, build the model from the config, Load.
package checkpoint
