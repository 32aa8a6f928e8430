"""Training (TR1, TR2): scoring a trainee's call against its scenario, and the caller's turns.

Pure logic over `server_stub.protocol` models; the formats themselves live in
`server_stub.protocol.scenarios`.
"""
