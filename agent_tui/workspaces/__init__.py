"""One package per role's workspace; `base` is the contract they share with the shell."""
