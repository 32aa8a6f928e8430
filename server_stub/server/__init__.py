"""The server: the engine in real time behind the HTTP API and the SSE feed."""
