"""Personal data: normalizers, recognizers and the detector (detector.default_detector)."""
