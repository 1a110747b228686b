// Package cascade evaluates OpenCV boosted cascade classifiers (the
// "opencv-cascade-classifier" XML format of OpenCV 2.4 and later, with Haar
// features, tilted Haar features and LBP features) on grey-level images, the
// way cv::CascadeClassifier::detectMultiScale does: an image pyramid, a
// sliding window at the cascade's base size, variance-normalised Haar
// features, early rejection stage by stage, and the grouping of overlapping
// hits (cv::groupRectangles).
//
// It is the project's detector for real footage (issue 5, the cascade
// detector): the segment package maps nouns such as "person" or "face" to
// the cascade files of Debian's opencv-data package.
package cascade
