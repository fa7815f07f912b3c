"""Style transfer on the real embedded model: structure survives, and its perplexity scores fluency."""

from __future__ import annotations

import math

import pytest

from screenplay.formats.fountain import parse
from tools.style import StyleTransfer, resolve
from tools.style.classifier import StyleClassifier
from tools.style.structure import shape

pytestmark = pytest.mark.slow


def test_embedded_model_restyle_keeps_structure_and_is_measured(embedded_engine, embedder, one_thread):
    from agent.models.local import LocalChatModel
    from tools.library.embedder import SentenceTransformerEmbedder

    model = LocalChatModel(engine=embedded_engine, max_new_tokens=40, temperature=0)
    perplexity = model.perplexity  # the transformers engine scores fluency (ModelInfo.supports_perplexity)
    fluent, scrambled = perplexity(["The old woman climbs down the stairs with a book under her arm.",
                                    "stairs the arm book climbs with woman under a down old her the"])
    assert math.isfinite(fluent) and fluent < scrambled

    emb = SentenceTransformerEmbedder(embedder)
    source = parse("INT. KITCHEN - MORNING\n\nMargaret slams the kettle down. Tea spills across the letter.\n")
    styler = StyleTransfer(model, embedder=emb, classifier=StyleClassifier.load(emb), perplexity=perplexity, retries=0)
    result = styler.transfer(source, resolve("noir"))
    assert shape(parse(result.text)) == shape(source)
    assert result.rewritten + result.kept == 1 and result.model_calls == 1
    m = result.metrics
    assert m["style_label"] == "noir" and m["predicted"] in StyleClassifier.load(emb).labels
    assert 0.0 <= m["similarity"] <= 1.0 and 0.0 <= m["fluency"] <= 1.0 and m["j"] is not None
