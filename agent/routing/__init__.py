"""Request routing: which writer tool a chat message means, and with which arguments."""

from agent.routing.decision import INTENTS, RoutingDecision

__all__ = ["INTENTS", "RoutingDecision", "Router", "ToolCallingRouter"]


def __getattr__(name: str):
    # The routers import numpy and langchain; keep `import agent.routing` light.
    if name == "Router":
        from agent.routing.router import Router

        return Router
    if name == "ToolCallingRouter":
        from agent.routing.native import ToolCallingRouter

        return ToolCallingRouter
    raise AttributeError(name)
