"""Writes the cascade package's reference fixtures with OpenCV's own detector.

Run with Debian's python3 (packages python3-opencv, opencv-data, opencv-doc):
    /usr/bin/python3 internal/cascade/testdata/gen_reference.py
It writes grey PNG test images cut from OpenCV's sample data and
reference.json with cv2.CascadeClassifier.detectMultiScale's boxes at the
default parameters (scaleFactor 1.1, minNeighbors 3) for each cascade.
"""
import json
import os

import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/doc/opencv-doc/examples/data"
CASCADES = "/usr/share/opencv4"


def grey_frame(path, index, size):
    cap = cv2.VideoCapture(path)
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = cap.read()
    assert ok, path
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def grey_image(path, size):
    grey = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


images = {
    "vtest_f100.png": grey_frame(os.path.join(DATA, "vtest.avi"), 100, (384, 288)),
    "messi5.png": grey_image(os.path.join(DATA, "messi5.jpg"), (548, 342)),
    "megamind_f30.png": grey_frame(os.path.join(DATA, "Megamind.avi"), 30, (360, 264)),
}
cascades = {
    "vtest_f100.png": ["haarcascades/haarcascade_fullbody.xml", "haarcascades/haarcascade_upperbody.xml"],
    "messi5.png": ["haarcascades/haarcascade_frontalface_default.xml", "lbpcascades/lbpcascade_frontalface_improved.xml"],
    "megamind_f30.png": ["haarcascades/haarcascade_frontalface_default.xml", "haarcascades/haarcascade_frontalface_alt.xml",
                 "lbpcascades/lbpcascade_frontalface_improved.xml", "haarcascades/haarcascade_eye.xml"],
}
out = []
for name, grey in images.items():
    cv2.imwrite(os.path.join(HERE, name), grey)
    for c in cascades[name]:
        clf = cv2.CascadeClassifier(os.path.join(CASCADES, c))
        boxes = clf.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=3)
        out.append({"image": name, "cascade": c,
                    "boxes": [[int(x), int(y), int(w), int(h)] for (x, y, w, h) in boxes]})
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
