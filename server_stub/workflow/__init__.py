"""The ticket workflow's core: business calendar, lifecycle rules, SLA clocks, escalation
ladders, work queues, and the workflow file's schema and loader.

Everything but `loader` is pure (no I/O, no clock reads): the engine calls it with the
instants it is at. Instants are POSIX seconds (floats); the engine's sim time is
`epoch + sim_time`.
"""
