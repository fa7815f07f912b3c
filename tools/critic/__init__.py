"""The critic: coverage-style notes on a draft, grounded in its pages, with numbers, checks, scores and plots."""

from tools.critic.critic import Critic
from tools.critic.findings import Finding
from tools.critic.scene_scorer import SceneScorer, ScorerError
from tools.critic.tool import make_critic_tool

__all__ = ["Critic", "Finding", "SceneScorer", "ScorerError", "make_critic_tool"]
