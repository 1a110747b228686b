// Package nn is the network layer of videodit: one set of operations and
// layers, written once, run by several executors (a gorgonia graph executor
// for training with autodiff, an eager CPU executor for inference).
package nn
