"""The ONNX encoders (``Settings.encoder``): same vectors as torch (fp32) or close to them (int8),
a database that keeps the encoder that wrote it, queries without torch, and builds that a kill
cannot leave half-written.

``onnx`` is the default encoder. The graphs are built once per session (seconds) and hard-linked
into each test database's encoder folder, where ``Store.connect`` looks for them. Each store owns
its encoder (``store.encoder``), so no test changes what another one embeds with.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ingest import ingest
from ingest.loaders import discover_files, load_file
from ingest.pipeline import article_paragraphs
from rag import NewsIndex, Settings, encoders, models
from rag.errors import ConfigError
from rag.records import embedding_text
from rag.schema import Filters
from rag.store import Store
from ui.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding both ONNX graphs, built once from the packaged weights."""
    folder = tmp_path_factory.mktemp("encoder")
    encoders.ensure_model(folder, "onnx", models.export_onnx)
    encoders.ensure_model(folder, "onnx-int8", models.export_onnx)
    return folder


def _link_graphs(graphs: Path, settings: Settings) -> None:
    """Give a test database the session's graphs, as if it had built them itself."""
    folder = encoders.encoder_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for graph in graphs.glob("*.onnx"):
        if not (folder / graph.name).exists():
            os.link(graph, folder / graph.name)


@pytest.fixture(scope="session")
def paragraph_texts(seed_dir: Path) -> list[str]:
    """What the encoder sees for every paragraph of data/ and the seed: real, long news paragraphs."""
    files, _ = discover_files([DATA, seed_dir])
    texts = {embedding_text(p): None for f in files for a in load_file(f, max_bytes=1 << 26)
             for p in article_paragraphs(a)}
    return list(texts)


@pytest.fixture(scope="session")
def torch_vectors(paragraph_texts: list[str]) -> np.ndarray:
    return models.torch_model().encode(paragraph_texts, batch_size=64, normalize_embeddings=True)


def _cosines(encoder: encoders.OnnxEncoder, texts: list[str], reference: np.ndarray) -> np.ndarray:
    return np.sum(encoder.encode(texts, normalize_embeddings=True) * reference, axis=1)


def test_fp32_onnx_gives_the_torch_vectors(graphs: Path, paragraph_texts: list[str],
                                           torch_vectors: np.ndarray) -> None:
    cosines = _cosines(encoders.OnnxEncoder(encoders.model_file(graphs, "onnx")), paragraph_texts, torch_vectors)
    assert len(paragraph_texts) > 150
    assert cosines.min() > 0.9999


def test_int8_stays_within_the_cosine_bounds(graphs: Path, paragraph_texts: list[str],
                                            torch_vectors: np.ndarray) -> None:
    cosines = _cosines(encoders.OnnxEncoder(encoders.model_file(graphs, "onnx-int8")), paragraph_texts,
                       torch_vectors)
    assert cosines.mean() >= 0.99
    assert cosines.min() >= 0.98


def test_a_text_encodes_the_same_alone_or_among_others(graphs: Path, paragraph_texts: list[str]) -> None:
    # Queries are encoded alone and paragraphs in chunks: an int8 vector must not depend on its batch.
    encoder = encoders.OnnxEncoder(encoders.model_file(graphs, "onnx-int8"))
    together = encoder.encode(paragraph_texts[:12])
    alone = np.stack([encoder.encode(t) for t in paragraph_texts[:12]])
    assert np.array_equal(together, alone)


def test_ingest_records_the_encoder_and_refuses_another_family(graphs: Path, settings: Settings,
                                                              seed_dir: Path) -> None:
    int8 = settings.replace(encoder="onnx-int8")
    _link_graphs(graphs, int8)
    ingest([seed_dir], int8)
    assert Store.connect(settings).recorded_encoder() == "onnx-int8"
    for other in ("torch", "onnx"):
        with pytest.raises(ConfigError) as refused:
            ingest([DATA], settings.replace(encoder=other))
        message = str(refused.value)
        assert "onnx-int8" in message and "--encoder onnx-int8" in message and "NEWSRAG_ENCODER" in message
    assert {p.article_id for p in Store.connect(settings).iter_paragraphs()} == {
        p.article_id for p in Store.connect(int8).iter_paragraphs()}  # nothing of data/ went in


def test_fp32_onnx_may_extend_a_torch_database(graphs: Path, settings: Settings, seed_dir: Path,
                                               tmp_path: Path) -> None:
    ingest([seed_dir], settings.replace(encoder="torch"))
    onnx = settings.replace(encoder="onnx")
    _link_graphs(graphs, onnx)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ferry.txt").write_text("North Post\nNews\n\nFerry Returns\n\nThe Lakeside ferry resumed service "
                                     "on Monday after a two-week repair, the operator said.\n", encoding="utf-8")
    report = ingest([extra], onnx)
    assert report.paragraphs_added >= 1
    assert Store.connect(onnx).recorded_encoder() == "torch"  # the same vectors: the record stands


def test_queries_on_an_int8_database_encode_with_int8(graphs: Path, settings: Settings, seed_dir: Path) -> None:
    int8 = settings.replace(encoder="onnx-int8")
    _link_graphs(graphs, int8)
    ingest([seed_dir], int8)
    store = NewsIndex.open(settings).store  # the setting says onnx (the default); the database says int8
    assert store.encoder.name == "onnx-int8"
    p = next(store.iter_paragraphs())
    (found, similarity), *_ = store.nearest(store.encoder.embed_query(embedding_text(p)), 1, Filters())
    assert found.paragraph_id == p.paragraph_id
    assert similarity > 0.99999  # its own stored vector: int8 again, not torch (about 0.99)


def test_a_torch_database_is_queried_with_fp32_onnx_when_asked(graphs: Path, settings: Settings,
                                                               seed_dir: Path) -> None:
    ingest([seed_dir], settings.replace(encoder="torch"))
    _link_graphs(graphs, settings)
    store = NewsIndex.open(settings.replace(encoder="onnx-int8")).store  # int8 cannot query fp32 vectors
    assert store.encoder.name == "onnx"
    p = next(store.iter_paragraphs())
    (found, similarity), *_ = store.nearest(store.encoder.embed_query(embedding_text(p)), 1, Filters())
    assert found.paragraph_id == p.paragraph_id and similarity > 0.99999


def test_two_indexes_of_different_encoders_each_embed_with_their_own(graphs: Path, tmp_path: Path,
                                                                    seed_dir: Path) -> None:
    fp32 = Settings.load(env={}, db=tmp_path / "fp32", encoder="onnx")
    int8 = Settings.load(env={}, db=tmp_path / "int8", encoder="onnx-int8")
    for settings in (fp32, int8):
        _link_graphs(graphs, settings)
        ingest([seed_dir], settings)
    first = NewsIndex.open(fp32)
    second = NewsIndex.open(int8)  # opened last: it must not decide what the first one embeds with
    question = "who said what about the buffer zone around Seversk?"
    expected = {name: encoders.OnnxEncoder(encoders.model_file(graphs, name)).encode(
        [question], normalize_embeddings=True)[0] for name in ("onnx", "onnx-int8")}
    assert not np.allclose(expected["onnx"], expected["onnx-int8"], atol=1e-4)

    for index, name in ((first, "onnx"), (second, "onnx-int8"), (first, "onnx")):
        assert np.allclose(index.store.encoder.embed_query(question), expected[name], atol=1e-6)
        # Retrieval scores with that vector: the best paragraph's cosine is to this encoder's query vector.
        (best, similarity), *_ = index.answerer.retriever.dense(question, 1, Filters())
        stored = np.asarray(index.store.embeddings([best.paragraph_id])[best.paragraph_id])
        assert similarity == pytest.approx(float(stored @ expected[name]), abs=1e-4)


@pytest.mark.parametrize(("ingest_encoder", "query_env"),
                         [("onnx", {}), ("onnx-int8", {}), ("torch", {"NEWSRAG_ENCODER": "onnx"})])
def test_asking_imports_no_torch_with_an_onnx_encoder(graphs: Path, tmp_path: Path, seed_dir: Path,
                                                      ingest_encoder: str, query_env: dict[str, str]) -> None:
    db = tmp_path / "db"
    _link_graphs(graphs, Settings.load(env={}, db=db))
    result = CliRunner().invoke(cli, ["ingest", str(seed_dir), "--db", str(db), "--encoder", ingest_encoder, "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    script = textwrap.dedent(f"""
        import sys
        from rag import NewsIndex
        index = NewsIndex.open(db={str(db)!r})
        answer = index.ask("who said what about Seversk?")
        hits = index.search("buffer zone")
        print(index.store.encoder.name, bool(answer.citations), len(hits), "torch" in sys.modules)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")} | query_env
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         check=True, cwd=ROOT, env=env)
    expected = "onnx-int8" if ingest_encoder == "onnx-int8" else "onnx"
    assert run.stdout.split() == [expected, "True", "5", "False"], run.stderr[-2000:]


@pytest.mark.server
def test_a_chroma_server_keeps_the_encoder_record_for_every_client(graphs: Path, tmp_path: Path,
                                                                   chroma_server: str, seed_dir: Path) -> None:
    writer = Settings.load(env={}, chroma_url=chroma_server, cache_dir=tmp_path / "writer", encoder="onnx-int8")
    assert encoders.encoder_folder(writer) == tmp_path / "writer" / "encoder"  # local to each client
    _link_graphs(graphs, writer)
    ingest([seed_dir], writer)

    reader = Settings.load(env={}, chroma_url=chroma_server, cache_dir=tmp_path / "reader")
    _link_graphs(graphs, reader)
    index = NewsIndex.open(reader)
    assert index.search("buffer zone")
    assert index.store.encoder.name == "onnx-int8"
    with pytest.raises(ConfigError, match=chroma_server):
        ingest([DATA], reader)  # the onnx default (fp32 vectors), into the int8 collection


def test_a_killed_build_leaves_nothing_that_is_used(tmp_path: Path) -> None:
    folder = tmp_path / "encoder"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from rag import encoders, models
        encoders.ensure_model(Path({str(folder)!r}), "onnx", models.export_onnx)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not list(folder.glob(".tmp-*")) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert list(folder.glob(".tmp-*")), "the build finished before it could be killed"
    assert not encoders.model_file(folder, "onnx").exists()

    # The next use builds a whole graph and clears the dead build's leftovers.
    path = encoders.ensure_model(folder, "onnx", models.export_onnx)
    assert path.exists() and not list(folder.glob(".tmp-*"))


def test_a_damaged_cached_graph_is_built_again(tmp_path: Path, paragraph_texts: list[str],
                                               torch_vectors: np.ndarray) -> None:
    folder = tmp_path / "encoder"
    folder.mkdir()
    encoders.model_file(folder, "onnx").write_bytes(b"\x08\x07not a whole graph")
    with pytest.warns(RuntimeWarning, match="building it again"):
        vector = models.Encoder("onnx", folder).embed_texts(paragraph_texts[:1])[0]
    assert float(np.dot(vector, torch_vectors[0])) > 0.9999


def test_a_new_database_takes_the_machine_wide_graph_instead_of_exporting_again(tmp_path: Path,
                                                                                graphs: Path) -> None:
    shared = tmp_path / "machine-cache"
    exports: list[Path] = []

    def export(target: Path) -> None:
        exports.append(target)
        models.export_onnx(target)

    first = encoders.ensure_model(tmp_path / "db1" / "newsrag-encoder", "onnx", export, shared=shared)
    second = encoders.ensure_model(tmp_path / "db2" / "newsrag-encoder", "onnx", export, shared=shared)
    assert len(exports) == 1  # built once, in the machine-wide folder
    assert encoders.model_file(shared, "onnx").exists()
    assert first.exists() and second.exists() and first.parent != second.parent  # each database holds its own
    assert os.path.samefile(first, second)  # hard links: no second 90 MB copy on one file system
    assert not list(first.parent.glob(".tmp-*")) and not list(second.parent.glob(".tmp-*"))
