"""The shell: the app every role logs into, and what it does for all of its workspaces."""
