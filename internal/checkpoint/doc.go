// Package checkpoint stores a model as a directory holding model.safetensors
// and config.json, and binds tensors to struct fields by their st tags.
package checkpoint
