"""Pieces of UI that several workspaces (and the shell) use: pickers, key hints, labels."""
