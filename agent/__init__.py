"""Agent: the loop, routing, sessions, settings and model backends."""
