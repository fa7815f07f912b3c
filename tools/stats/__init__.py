"""The draft's statistics as answers to a writer's question: numbers and one chart per topic."""

from tools.stats.answers import StatsAnswer, answer

__all__ = ["StatsAnswer", "answer"]
