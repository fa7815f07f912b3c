"""Model backends behind one interface, LangChain's BaseChatModel: local transformers, served, scripted fake."""

from agent.models.errors import ModelUnavailableError
from agent.models.factory import ModelInfo, build_chat_model, model_info

__all__ = ["ModelInfo", "ModelUnavailableError", "build_chat_model", "model_info"]
