"""Quality (QA1–QA3): prefill from the log, statistics and calibration over evaluations.

Pure functions over `server_stub.protocol` models; the form format and its arithmetic
live in `server_stub.protocol.quality_forms`.
"""
