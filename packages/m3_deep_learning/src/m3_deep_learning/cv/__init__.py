"""Computer vision on top of month 3: detection, segmentation, classical OpenCV and OCR."""
