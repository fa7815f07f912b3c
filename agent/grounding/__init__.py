"""Chat grounded in the writer's own draft: program facts from the statistics, retrieval over its scenes, citations.

The program answers first (facts.program_answer); a model may only phrase (scaffold tier) or answer from the cited
scenes (free tier), and what it says is checked against the draft (verify) before it replaces the program's answer.
"""

from agent.grounding.answer import DraftAsker, GroundedAnswer
from agent.grounding.draft import Citation, Draft

__all__ = ["Citation", "Draft", "DraftAsker", "GroundedAnswer"]
