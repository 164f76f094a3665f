"""Personal data: normalizers now; recognizers, detector and catalogue arrive with issue 5."""
