"""The numpy query encoder is the packaged MiniLM: same vectors as sentence-transformers, without torch."""

import numpy as np

from knowledge.embeddings import MAX_SEQ_LENGTH, Embedder, packaged_model_path
from knowledge.numpy_minilm import NumpyMiniLM


def test_numpy_encoder_matches_sentence_transformers():
    texts = ["a hotel manager shelters refugees during the genocide in Rwanda", "Amélie", "war " * 300]
    reference = Embedder().embed_documents(texts)
    encoder = NumpyMiniLM(packaged_model_path(), MAX_SEQ_LENGTH)
    for text, expected in zip(texts, reference, strict=True):
        got = encoder.encode(text)
        assert got.shape == expected.shape and abs(np.linalg.norm(got) - 1) < 1e-5
        assert float(got @ expected) > 0.9999, text


def test_query_embedding_needs_no_torch_model_for_the_packaged_model():
    embedder = Embedder()
    vector = embedder.embed_query("a quiet stunt driver")
    assert embedder._model is None and vector.shape == (384,)
